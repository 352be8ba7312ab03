package io.hpo.aggregator.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hpo.space.Hyperparameter;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/** Conversions between Java values and column values. */
final class Sql {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Sql() {
    }

    static OffsetDateTime timestamp(long epochMs) {
        return OffsetDateTime.ofInstant(Instant.ofEpochMilli(epochMs), ZoneOffset.UTC);
    }

    /**
     * A PostgreSQL array parameter of {@code type} ({@code int8}, {@code text}...) from a Java array, primitive ones
     * included: a batch's column travels as one parameter.
     */
    static Array array(Connection c, String type, Object elements) throws SQLException {
        return c.unwrap(org.postgresql.PGConnection.class).createArrayOf(type, elements);
    }

    /**
     * Binds array parameters from parameter {@code first} on, given as pairs of a type and a Java array
     * ({@code "text", ids, "int8", steps, ...}): a batch's columns, unnested by the statement.
     */
    static void bindArrays(Connection c, PreparedStatement ps, int first, Object... typesAndElements)
            throws SQLException {
        for (int i = 0; i < typesAndElements.length; i += 2) {
            ps.setArray(first + i / 2, array(c, (String) typesAndElements[i], typesAndElements[i + 1]));
        }
    }

    static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    static Long nullableLong(ResultSet rs, String column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : v;
    }

    static Integer nullableInteger(ResultSet rs, String column) throws SQLException {
        int v = rs.getInt(column);
        return rs.wasNull() ? null : v;
    }

    static Double nullableDouble(ResultSet rs, String column) throws SQLException {
        double v = rs.getDouble(column);
        return rs.wasNull() ? null : v;
    }

    static String json(Map<String, Object> map) {
        try {
            return JSON.writeValueAsString(map);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not representable as JSON: " + map, e);
        }
    }

    /** A stored hyperparameter map; jsonb forgets key order, so the spec's order is restored. */
    static Map<String, Object> config(String json) {
        if (json == null) {
            return Map.of();
        }
        Map<String, Object> parsed;
        try {
            parsed = JSON.readValue(json, new TypeReference<TreeMap<String, Object>>() {
            });
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored config is not JSON: " + json, e);
        }
        Map<String, Object> ordered = new LinkedHashMap<>();
        Hyperparameter.NAMES.stream().filter(parsed::containsKey).forEach(n -> ordered.put(n, parsed.get(n)));
        ordered.putAll(parsed);
        return ordered;
    }
}
