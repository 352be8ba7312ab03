package io.hpo.driver;

import java.security.SecureRandom;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** Search ids: readable, sortable by start time, unique without coordination. */
final class SearchIds {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");

    private SearchIds() {
    }

    static String newId(String specName) {
        byte[] salt = new byte[2];
        new SecureRandom().nextBytes(salt);
        String base = specName.replaceAll("[^A-Za-z0-9._-]", "-");
        return base + "-" + LocalDateTime.now().format(STAMP) + "-" + HexFormat.of().formatHex(salt);
    }

    static String requireValid(String id) {
        if (!VALID.matcher(id).matches()) {
            throw new IllegalArgumentException("search id '" + id + "' must be 1-100 letters, digits, '.', '_' or '-'");
        }
        return id;
    }

    static String trialId(int index) {
        return String.format("trial-%03d", index);
    }
}
