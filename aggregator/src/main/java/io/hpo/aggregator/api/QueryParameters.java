package io.hpo.aggregator.api;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A request's query string, decoded; a parameter may repeat. Bad values are {@link BadParameterException}s. */
final class QueryParameters {
    private final Map<String, List<String>> values = new LinkedHashMap<>();

    QueryParameters(String rawQuery) {
        if (rawQuery == null) {
            return;
        }
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            try {
                String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                values.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
            } catch (IllegalArgumentException e) {
                throw new BadParameterException("malformed percent-encoding in query: " + pair);
            }
        }
    }

    /** The first value of {@code name}, null when absent. */
    String get(String name) {
        List<String> v = values.get(name);
        return v == null ? null : v.get(0);
    }

    /** Every value of {@code name}, in order. */
    List<String> all(String name) {
        return values.getOrDefault(name, List.of());
    }

    /** An integer in [min, max]; {@code absent} when the parameter is missing. */
    long number(String name, long absent, long min, long max) {
        String v = get(name);
        if (v == null) {
            return absent;
        }
        try {
            long n = Long.parseLong(v.trim());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below with the allowed range
        }
        throw new BadParameterException(name + " must be an integer from " + min + " to " + max + ", got '" + v + "'");
    }

    /** A page's limit and offset; limit defaults to {@code defaultLimit} and may be at most {@code maxLimit}. */
    Paging paging(int defaultLimit, int maxLimit) {
        return new Paging((int) number("limit", defaultLimit, 1, maxLimit),
                (int) number("offset", 0, 0, Integer.MAX_VALUE));
    }

    record Paging(int limit, int offset) {
    }

    /** A query parameter the API cannot use: answered 400. */
    static final class BadParameterException extends RuntimeException {
        BadParameterException(String message) {
            super(message);
        }
    }
}
