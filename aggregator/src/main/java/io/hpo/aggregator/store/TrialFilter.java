package io.hpo.aggregator.store;

import io.hpo.space.Hyperparameter;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Which of a search's trials a leaderboard page keeps: every condition must hold (the dashboard's brushes on the
 * parallel-coordinates axes). A condition is a hyperparameter or the best validation loss within a closed range,
 * written {@code KEY:MIN..MAX}, or a hyperparameter among listed values, {@code KEY:V1,V2}. A trial without the
 * value (no evaluation yet, a name where a range asks for a number) matches no condition on it. Keys and values
 * are bound as parameters, never spliced into the SQL.
 */
public record TrialFilter(List<Condition> conditions) {
    public static final TrialFilter NONE = new TrialFilter(List.of());
    /** The key of the best validation loss, the API's field name. */
    public static final String LOSS = "bestValLoss";
    /** More conditions than hyperparameters (and the loss) would repeat one. */
    public static final int MAX_CONDITIONS = Hyperparameter.NAMES.size() + 1;

    public TrialFilter {
        conditions = List.copyOf(conditions);
    }

    /** One condition on a trial; the key is a hyperparameter name or {@link #LOSS}. */
    public sealed interface Condition permits Range, OneOf {
        String key();

        /** The SQL condition, with placeholders {@link #bind} fills. */
        String sql();

        /** Binds this condition's parameters from {@code index} on; returns the next free index. */
        int bind(Connection c, PreparedStatement ps, int index) throws SQLException;
    }

    /** {@code min <= value <= max}. */
    public record Range(String key, double min, double max) implements Condition {
        @Override
        public String sql() {
            // CASE keeps the cast from ever seeing a name: a condition's AND may be evaluated in any order
            return (key.equals(LOSS) ? "best_val_loss"
                    : "CASE WHEN jsonb_typeof(config -> ?) = 'number' THEN (config ->> ?)::float8 END")
                    + " BETWEEN ? AND ?";
        }

        @Override
        public int bind(Connection c, PreparedStatement ps, int index) throws SQLException {
            int i = index;
            if (!key.equals(LOSS)) {
                ps.setString(i++, key);
                ps.setString(i++, key);
            }
            ps.setDouble(i++, min);
            ps.setDouble(i++, max);
            return i;
        }
    }

    /** The value, as text, is one of {@code values} (a categorical axis's selected labels). */
    public record OneOf(String key, List<String> values) implements Condition {
        public OneOf {
            values = List.copyOf(values);
        }

        @Override
        public String sql() {
            return "config ->> ? = ANY (?)";
        }

        @Override
        public int bind(Connection c, PreparedStatement ps, int index) throws SQLException {
            ps.setString(index, key);
            ps.setArray(index + 1, Sql.array(c, "text", values.toArray(new String[0])));
            return index + 2;
        }
    }

    /**
     * The conditions of the API's {@code where} parameters; an IllegalArgumentException saying which term is wrong
     * and why for one that is malformed, names an unknown key, or has an empty or reversed range.
     */
    public static TrialFilter parse(List<String> terms) {
        if (terms.size() > MAX_CONDITIONS) {
            throw new IllegalArgumentException("at most " + MAX_CONDITIONS + " where conditions, got " + terms.size());
        }
        List<Condition> out = new ArrayList<>();
        for (String term : terms) {
            out.add(condition(term));
        }
        return new TrialFilter(out);
    }

    private static Condition condition(String term) {
        int colon = term.indexOf(':');
        if (colon <= 0 || colon == term.length() - 1) {
            throw bad(term, "expected KEY:MIN..MAX or KEY:VALUE,VALUE...");
        }
        String key = term.substring(0, colon);
        String value = term.substring(colon + 1);
        if (!key.equals(LOSS) && !Hyperparameter.NAMES.contains(key)) {
            throw bad(term, "unknown key '" + key + "': a hyperparameter name or " + LOSS);
        }
        int dots = value.indexOf("..");
        if (dots < 0) {
            if (key.equals(LOSS)) {
                throw bad(term, LOSS + " takes a range MIN..MAX");
            }
            List<String> values = Arrays.asList(value.split(",", -1));
            if (values.contains("")) {
                throw bad(term, "an empty value in the list");
            }
            return new OneOf(key, values);
        }
        double min = number(term, value.substring(0, dots));
        double max = number(term, value.substring(dots + 2));
        if (min > max) {
            throw bad(term, "the range's minimum is above its maximum");
        }
        return new Range(key, min, max);
    }

    private static double number(String term, String text) {
        try {
            double v = Double.parseDouble(text.trim());
            if (Double.isFinite(v)) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw bad(term, "'" + text + "' is not a finite number");
    }

    private static IllegalArgumentException bad(String term, String why) {
        return new IllegalArgumentException("bad where '" + term + "': " + why);
    }

    /** {@code " AND c1 AND c2..."}, or nothing without conditions. */
    String sql() {
        StringBuilder out = new StringBuilder();
        for (Condition condition : conditions) {
            out.append(" AND ").append(condition.sql());
        }
        return out.toString();
    }

    /** Binds every condition from {@code index} on; returns the next free index. */
    int bind(Connection c, PreparedStatement ps, int index) throws SQLException {
        int i = index;
        for (Condition condition : conditions) {
            i = condition.bind(c, ps, i);
        }
        return i;
    }
}
