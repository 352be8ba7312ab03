package io.hpo.space;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;

import static io.hpo.space.Hyperparameter.BATCH_SIZE;
import static io.hpo.space.Hyperparameter.DATA_FRACTION;
import static io.hpo.space.Hyperparameter.DROPOUT;
import static io.hpo.space.Hyperparameter.FINE_TUNE_MODE;
import static io.hpo.space.Hyperparameter.FROZEN_BLOCKS;
import static io.hpo.space.Hyperparameter.GRAD_CLIP;
import static io.hpo.space.Hyperparameter.HEADS;
import static io.hpo.space.Hyperparameter.LAYERS;
import static io.hpo.space.Hyperparameter.LEARNING_RATE;
import static io.hpo.space.Hyperparameter.MLP_MULTIPLIER;
import static io.hpo.space.Hyperparameter.OPTIMIZER;
import static io.hpo.space.Hyperparameter.SCHEDULE;
import static io.hpo.space.Hyperparameter.SEQ_LENGTH;
import static io.hpo.space.Hyperparameter.WARMUP_STEPS;
import static io.hpo.space.Hyperparameter.WEIGHT_DECAY;
import static io.hpo.space.Hyperparameter.WIDTH;

/**
 * One trial's fixed hyperparameters: a point of the search space, one value per {@link Hyperparameter}, each
 * within its definition's bounds (the spec loader adds the upper limits), and together meeting the two relations
 * no single definition states (width divisible by heads; no more frozen blocks than layers). The map form (snake_case keys, the names used in the spec) is what
 * travels in events, sits in the results store, and comes back out as a fixed spec.
 */
public final class Hyperparameters implements Serializable {

    private static final Hyperparameters DEFAULTS = builder().build();

    /** Typed values (Double, Integer, enum) by name, in definition order. */
    private final Map<String, Object> values;

    private Hyperparameters(Map<String, Object> values) {
        this.values = values;
        for (Hyperparameter<?> p : Hyperparameter.ALL) {
            p.boundsProblem(values.get(p.name())).ifPresent(problem -> {
                throw new IllegalArgumentException(problem);
            });
        }
        int width = get(WIDTH);
        int heads = get(HEADS);
        require(width % heads == 0, WIDTH, "must be divisible by heads (" + heads + ")", width);
        require(get(FROZEN_BLOCKS) <= get(LAYERS), FROZEN_BLOCKS, "must be at most layers (" + get(LAYERS) + ")",
                get(FROZEN_BLOCKS));
    }

    /** Every hyperparameter at its default: small enough to train on a laptop CPU. */
    public static Hyperparameters defaults() {
        return DEFAULTS;
    }

    /** A builder starting from the defaults. */
    public static Builder builder() {
        return new Builder(new LinkedHashMap<>());
    }

    /** A builder starting from these values. */
    public Builder toBuilder() {
        return new Builder(new LinkedHashMap<>(values));
    }

    /** These values with one changed. */
    public <T> Hyperparameters with(Hyperparameter<T> p, T value) {
        return toBuilder().set(p, value).build();
    }

    public <T> T get(Hyperparameter<T> p) {
        @SuppressWarnings("unchecked")
        T value = (T) values.get(p.name());
        return value;
    }

    // Shorthands for the hyperparameters much of the code reads; any other is read with get.

    public double learningRate() {
        return get(LEARNING_RATE);
    }

    public int warmupSteps() {
        return get(WARMUP_STEPS);
    }

    public Schedule schedule() {
        return get(SCHEDULE);
    }

    public int batchSize() {
        return get(BATCH_SIZE);
    }

    public double dropout() {
        return get(DROPOUT);
    }

    public double weightDecay() {
        return get(WEIGHT_DECAY);
    }

    public int layers() {
        return get(LAYERS);
    }

    public int width() {
        return get(WIDTH);
    }

    public int heads() {
        return get(HEADS);
    }

    public int mlpMultiplier() {
        return get(MLP_MULTIPLIER);
    }

    public int seqLength() {
        return get(SEQ_LENGTH);
    }

    public Optimizer optimizer() {
        return get(OPTIMIZER);
    }

    public double gradClip() {
        return get(GRAD_CLIP);
    }

    public double dataFraction() {
        return get(DATA_FRACTION);
    }

    public int frozenBlocks() {
        return get(FROZEN_BLOCKS);
    }

    public FineTuneMode fineTuneMode() {
        return get(FINE_TUNE_MODE);
    }

    /** Whether this configuration freezes anything, which only a trial starting from a checkpoint can do. */
    public boolean freezesAny() {
        return frozenBlocks() > 0 || fineTuneMode() == FineTuneMode.FEATURE_EXTRACTION;
    }

    private static void require(boolean ok, Hyperparameter<?> p, String what, Object value) {
        if (!ok) {
            throw new IllegalArgumentException(p.name() + " " + what + ", got " + value);
        }
    }

    /** Snake_case map in definition order, enum values lower-case; the inverse of {@link #fromMap}. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        for (Hyperparameter<?> p : Hyperparameter.ALL) {
            m.put(p.name(), mapValue(p));
        }
        return m;
    }

    private <T> Object mapValue(Hyperparameter<T> p) {
        return p.toMapValue(get(p));
    }

    /**
     * Reads the map form; numbers may be any {@link Number} or numeric string (JSON and YAML give both). A
     * hyperparameter added after configurations were first recorded may be missing: those trained with its
     * default.
     */
    public static Hyperparameters fromMap(Map<String, ?> m) {
        for (String key : m.keySet()) {
            if (!Hyperparameter.NAMES.contains(key)) {
                throw new IllegalArgumentException("unknown hyperparameter '" + key + "'; known: "
                        + Hyperparameter.NAMES);
            }
        }
        Builder builder = builder();
        for (Hyperparameter<?> p : Hyperparameter.ALL) {
            if (m.containsKey(p.name())) {
                builder.setMapValue(p, m.get(p.name()));
            } else if (!p.isAddedLater()) {
                throw new IllegalArgumentException("missing hyperparameter '" + p.name() + "'");
            }
        }
        return builder.build();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Hyperparameters other && values.equals(other.values);
    }

    @Override
    public int hashCode() {
        return values.hashCode();
    }

    @Override
    public String toString() {
        return "Hyperparameters" + toMap();
    }

    /** Sets values by definition; {@link #build} checks them all at once, so related ones may change in any order. */
    public static final class Builder {
        private final Map<String, Object> values;

        private Builder(Map<String, Object> values) {
            this.values = values;
        }

        public <T> Builder set(Hyperparameter<T> p, T value) {
            if (value == null) {
                throw new IllegalArgumentException(p.name() + " is required");
            }
            values.put(p.name(), value);
            return this;
        }

        /** Sets a map-form value (a number, numeric string or enum name), checked for its kind. */
        public <T> Builder setMapValue(Hyperparameter<T> p, Object value) {
            return set(p, p.fromMapValue(value));
        }

        public Hyperparameters build() {
            Map<String, Object> ordered = new LinkedHashMap<>();
            for (Hyperparameter<?> p : Hyperparameter.ALL) {
                ordered.put(p.name(), values.containsKey(p.name()) ? values.get(p.name()) : p.defaultValue());
            }
            return new Hyperparameters(ordered);
        }
    }
}
