package io.hpo.space.spec;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as the spec writes them: {@code 90s}, {@code 30m}, {@code 2h}, {@code 1h30m}, {@code 1d}. */
public final class Durations {

    private static final Pattern FORMAT =
            Pattern.compile("(?:(\\d{1,6})d)?(?:(\\d{1,7})h)?(?:(\\d{1,9})m)?(?:(\\d{1,10})s)?");

    private Durations() {
    }

    /** Parses a positive duration; throws IllegalArgumentException with an example of the format. */
    public static Duration parse(String text) {
        String trimmed = text.trim();
        Matcher m = FORMAT.matcher(trimmed);
        if (trimmed.isEmpty() || !m.matches()) {
            throw new IllegalArgumentException("bad duration '" + text + "': write e.g. 90s, 30m, 2h or 1h30m");
        }
        Duration d = Duration.ofDays(part(m, 1)).plusHours(part(m, 2)).plusMinutes(part(m, 3))
                .plusSeconds(part(m, 4));
        if (d.isZero()) {
            throw new IllegalArgumentException("duration '" + text + "' must be longer than 0s");
        }
        return d;
    }

    /** The shortest spec form of {@code d}, whole seconds only; parses back to the same value. */
    public static String format(Duration d) {
        long seconds = d.getSeconds();
        if (seconds == 0) {
            return "0s";
        }
        StringBuilder out = new StringBuilder();
        append(out, seconds / 86_400, "d");
        append(out, seconds % 86_400 / 3600, "h");
        append(out, seconds % 3600 / 60, "m");
        append(out, seconds % 60, "s");
        return out.toString();
    }

    private static long part(Matcher m, int group) {
        return m.group(group) == null ? 0 : Long.parseLong(m.group(group));
    }

    private static void append(StringBuilder out, long amount, String unit) {
        if (amount > 0) {
            out.append(amount).append(unit);
        }
    }
}
