package io.hpo.aggregator.cli;

import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** How values look in the CLI's tables. */
final class Format {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'")
            .withZone(ZoneOffset.UTC);

    private Format() {
    }

    static String loss(Double v) {
        if (v == null) {
            return "-";
        }
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.4f", v) : String.valueOf(v);
    }

    static String number(Object v) {
        if (v == null) {
            return "-";
        }
        if (v instanceof Double || v instanceof Float) {
            double d = ((Number) v).doubleValue();
            if (!Double.isFinite(d)) {
                return String.valueOf(d);
            }
            BigDecimal b = BigDecimal.valueOf(d).round(new MathContext(4)).stripTrailingZeros();
            return Math.abs(d) >= 1 ? b.toPlainString() : b.toString();
        }
        return String.valueOf(v);
    }

    static String time(Instant t) {
        return t == null ? "-" : TIME.format(t);
    }

    static String text(String s) {
        return s == null ? "-" : s;
    }
}
