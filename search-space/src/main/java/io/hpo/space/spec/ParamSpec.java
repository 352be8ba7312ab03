package io.hpo.space.spec;

import io.hpo.space.Hyperparameter;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How one hyperparameter varies across trials. Values are normalised to the hyperparameter's
 * {@link Hyperparameter.Kind}: Double for real ones, Integer for integer ones, the lower-case name for enums.
 */
public sealed interface ParamSpec extends Serializable
        permits ParamSpec.Fixed, ParamSpec.RealRange, ParamSpec.IntRange, ParamSpec.Choice, ParamSpec.Conditional {

    /** Whether the spec has finitely many values (continuous ranges with distinct ends do not). */
    boolean isFinite();

    /** Number of distinct values; {@link Long#MAX_VALUE} when not finite. */
    long size();

    /**
     * Representative values, both ends included: every choice; an integer range's values when there are at most
     * {@code points} of them, else {@code points} evenly spread ones; {@code points} evenly spread (log-spread for
     * {@link LogUniform}) values of a continuous range. These are the points a grid search with
     * {@code grid_points = points} visits.
     */
    List<Object> probe(int points);

    /** The largest value of a numeric spec: its value, a range's upper end, or the largest choice. */
    default double largest() {
        // probes hold every choice and both ends of a range
        return probe(2).stream().mapToDouble(v -> ((Number) v).doubleValue()).max().orElseThrow();
    }

    /** The smallest value of a numeric spec: its value, a range's lower end, or the smallest choice. */
    default double smallest() {
        return probe(2).stream().mapToDouble(v -> ((Number) v).doubleValue()).min().orElseThrow();
    }

    /** Points this spec contributes to a grid with {@code gridPoints} values per range. */
    default long gridSize(int gridPoints) {
        return Math.min(size(), gridPoints);
    }

    /** What a sampler draws from: this spec, or a {@link Conditional}'s spec for while it is active. */
    default ParamSpec sampled() {
        return this;
    }

    /** A single value. */
    record Fixed(Object value) implements ParamSpec {
        public Fixed {
            requireValue(value);
        }

        @Override
        public boolean isFinite() {
            return true;
        }

        @Override
        public long size() {
            return 1;
        }

        @Override
        public List<Object> probe(int points) {
            return List.of(value);
        }
    }

    /** A continuous range of reals: infinitely many values unless its ends meet. */
    sealed interface RealRange extends ParamSpec permits Uniform, LogUniform {
        double min();

        double max();

        @Override
        default boolean isFinite() {
            return min() == max();
        }

        @Override
        default long size() {
            return isFinite() ? 1 : Long.MAX_VALUE;
        }
    }

    /** Real values drawn uniformly from [min, max]. */
    record Uniform(double min, double max) implements RealRange {
        public Uniform {
            requireRange(min, max);
        }

        @Override
        public List<Object> probe(int points) {
            return spread(min, max, points, false);
        }
    }

    /** Real values whose logarithm is uniform on [log min, log max]; min > 0. */
    record LogUniform(double min, double max) implements RealRange {
        public LogUniform {
            requireRange(min, max);
            if (min <= 0) {
                throw new IllegalArgumentException("log-uniform range needs min > 0, got " + min);
            }
        }

        @Override
        public List<Object> probe(int points) {
            return spread(min, max, points, true);
        }
    }

    /** Integers drawn uniformly from [min, max], both inclusive. */
    record IntRange(int min, int max) implements ParamSpec {
        public IntRange {
            if (min > max) {
                throw new IllegalArgumentException("min " + min + " > max " + max);
            }
        }

        @Override
        public boolean isFinite() {
            return true;
        }

        @Override
        public long size() {
            return (long) max - min + 1;
        }

        @Override
        public List<Object> probe(int points) {
            long n = Math.min(size(), Math.max(points, 1));
            List<Object> out = new ArrayList<>();
            for (long i = 0; i < n; i++) {
                long offset = n == 1 ? 0 : Math.round(i * (double) ((long) max - min) / (n - 1));
                out.add((int) (min + offset));
            }
            return out;
        }
    }

    /** One of the listed values, each equally likely. */
    record Choice(List<Object> values) implements ParamSpec {
        public Choice {
            values = List.copyOf(values);
            if (values.isEmpty()) {
                throw new IllegalArgumentException("choice needs at least one value");
            }
            values.forEach(ParamSpec::requireValue);
            if (new HashSet<>(values).size() != values.size()) {
                throw new IllegalArgumentException("choice lists a value twice: " + values);
            }
        }

        @Override
        public boolean isFinite() {
            return true;
        }

        @Override
        public long size() {
            return values.size();
        }

        @Override
        public List<Object> probe(int points) {
            return values;
        }

        /** A grid visits every choice, however many grid points a range gets. */
        @Override
        public long gridSize(int gridPoints) {
            return values.size();
        }
    }

    /**
     * A hyperparameter searched only while another, its parent (a choice that is not itself conditional), takes one
     * of {@code parentValues}; with any other parent value a trial uses {@code otherwise}. Model-based samplers see
     * the coordinate as missing while it is inactive, so its values there neither help nor hurt it.
     *
     * @param sampled      the values while active: any form but another condition
     * @param parent       the hyperparameter deciding whether this one is searched
     * @param parentValues the parent's choices under which it is
     * @param otherwise    its value under the parent's other choices
     */
    record Conditional(ParamSpec sampled, String parent, List<Object> parentValues, Object otherwise)
            implements ParamSpec {
        public Conditional {
            Objects.requireNonNull(sampled, "sampled");
            Objects.requireNonNull(parent, "parent");
            if (sampled instanceof Conditional) {
                throw new IllegalArgumentException("a condition cannot wrap another");
            }
            parentValues = List.copyOf(parentValues);
            if (parentValues.isEmpty()) {
                throw new IllegalArgumentException("a condition needs at least one parent value");
            }
            parentValues.forEach(ParamSpec::requireValue);
            requireValue(otherwise);
        }

        /** Whether the hyperparameter is searched in a configuration with these (snake_case) values. */
        public boolean isActiveIn(Map<String, Object> values) {
            return parentValues.contains(values.get(parent));
        }

        /**
         * Sets every conditional hyperparameter of {@code space} that {@code values} names and whose parent there
         * excludes it to its {@code otherwise} value: sampled values become the ones a trial trains with. Parents
         * are never conditional, so one pass settles all.
         */
        public static Map<String, Object> settle(Map<String, ParamSpec> space, Map<String, Object> values) {
            space.forEach((name, spec) -> {
                if (spec instanceof Conditional c && values.containsKey(name) && !c.isActiveIn(values)) {
                    values.put(name, c.otherwise());
                }
            });
            return values;
        }

        @Override
        public boolean isFinite() {
            return sampled.isFinite();
        }

        @Override
        public long size() {
            long n = sampled.size();
            if (n == Long.MAX_VALUE) {
                return n;
            }
            // a finite spec's probe with n points lists all n values
            return n <= Integer.MAX_VALUE && sampled.probe((int) n).contains(otherwise) ? n : n + 1;
        }

        /** The sampled spec's points and {@code otherwise}, which trials with an inactive parent use. */
        @Override
        public List<Object> probe(int points) {
            List<Object> out = new ArrayList<>(sampled.probe(points));
            if (!out.contains(otherwise)) {
                out.add(otherwise);
            }
            return out;
        }

        /** A grid walks the sampled spec's points; trials whose parent is inactive collapse onto one. */
        @Override
        public long gridSize(int gridPoints) {
            return sampled.gridSize(gridPoints);
        }
    }

    private static void requireValue(Object value) {
        Objects.requireNonNull(value, "value");
        if (!(value instanceof Double || value instanceof Integer || value instanceof String)) {
            throw new IllegalArgumentException("values are Double, Integer or String, got " + value.getClass());
        }
    }

    private static void requireRange(double min, double max) {
        if (!Double.isFinite(min) || !Double.isFinite(max)) {
            throw new IllegalArgumentException("range ends must be finite, got [" + min + ", " + max + "]");
        }
        if (min > max) {
            throw new IllegalArgumentException("min " + min + " > max " + max);
        }
    }

    private static List<Object> spread(double min, double max, int points, boolean logarithmic) {
        if (min == max || points <= 1) {
            return List.of(min);
        }
        List<Object> out = new ArrayList<>();
        for (int i = 0; i < points; i++) {
            double t = i / (double) (points - 1);
            double v = logarithmic ? Math.exp(Math.log(min) + t * (Math.log(max) - Math.log(min)))
                    : min + t * (max - min);
            // the ends exactly, and nothing rounded out of the range
            out.add(i == 0 ? min : i == points - 1 ? max : Math.min(max, Math.max(min, v)));
        }
        return out;
    }
}
