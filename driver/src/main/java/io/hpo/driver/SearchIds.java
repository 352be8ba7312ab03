package io.hpo.driver;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Search ids: readable, sortable by start time, unique without coordination. */
public final class SearchIds {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
    private static final Pattern GENERATED = Pattern.compile(".*-(\\d{8}-\\d{6})-[0-9a-f]{4}");
    /**
     * The stamp is the creating machine's local time, its zone unknown (UTC-12 to UTC+14), plus an hour for a
     * broker that stamps records with its own clock.
     */
    private static final Duration STAMP_UNCERTAINTY = Duration.ofHours(15);

    private SearchIds() {
    }

    public static String newId(String specName) {
        byte[] salt = new byte[2];
        new SecureRandom().nextBytes(salt);
        String base = specName.replaceAll("[^A-Za-z0-9._-]", "-");
        return base + "-" + LocalDateTime.now().format(STAMP) + "-" + HexFormat.of().formatHex(salt);
    }

    /**
     * Rejects ids that are not 1-100 safe characters, and ids in the generated format whose stamp lies ahead of
     * now by more than its uncertainty: a resuming driver would read the search's records from too late a point.
     */
    static String requireValid(String id) {
        if (!VALID.matcher(id).matches()) {
            throw new IllegalArgumentException("search id '" + id + "' must be 1-100 letters, digits, '.', '_' or '-'");
        }
        if (recordsNotBefore(id).filter(t -> t.isAfter(Instant.now())).isPresent()) {
            throw new IllegalArgumentException("search id '" + id + "' carries a start time in the future");
        }
        return id;
    }

    /**
     * The earliest time any Kafka record of the search can carry, from the stamp of an id in the generated format
     * ({@code name-yyyyMMdd-HHmmss-hhhh}, made when the search first started); empty for other ids (given with
     * {@code --search-id}), whose records can be anywhere in the topics.
     */
    public static Optional<Instant> recordsNotBefore(String id) {
        Matcher m = GENERATED.matcher(id);
        if (!m.matches()) {
            return Optional.empty();
        }
        try {
            return Optional.of(LocalDateTime.parse(m.group(1), STAMP).toInstant(ZoneOffset.UTC)
                    .minus(STAMP_UNCERTAINTY));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    public static String trialId(int index) {
        return String.format("trial-%03d", index);
    }
}
