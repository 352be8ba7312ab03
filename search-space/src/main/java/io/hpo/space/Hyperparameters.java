package io.hpo.space;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One trial's fixed hyperparameters: a point of the search space. The map form (snake_case keys, the names used
 * in the spec) is what travels in events, sits in the results store, and comes back out as a fixed spec.
 *
 * @param learningRate   peak learning rate, reached at the end of warm-up
 * @param warmupSteps    steps of linear warm-up from 0 to the peak
 * @param schedule       shape of the decay after warm-up
 * @param batchSize      sequences per step per worker
 * @param dropout        drop probability (0 = none) on each block's input and the embeddings
 * @param weightDecay    decoupled weight decay coefficient
 * @param layers         number of transformer blocks
 * @param width          model width (d_model)
 * @param heads          attention heads; must divide width
 * @param mlpMultiplier  MLP hidden width = width * mlpMultiplier
 * @param seqLength      tokens per training sequence (context length)
 * @param optimizer      update rule
 * @param gradClip       per-layer L2 gradient-norm clip threshold; 0 disables clipping
 */
public record Hyperparameters(double learningRate, int warmupSteps, Schedule schedule, int batchSize, double dropout,
                              double weightDecay, int layers, int width, int heads, int mlpMultiplier, int seqLength,
                              Optimizer optimizer, double gradClip) implements Serializable {

    public static final String LEARNING_RATE = "learning_rate";
    public static final String WARMUP_STEPS = "warmup_steps";
    public static final String SCHEDULE = "schedule";
    public static final String BATCH_SIZE = "batch_size";
    public static final String DROPOUT = "dropout";
    public static final String WEIGHT_DECAY = "weight_decay";
    public static final String LAYERS = "layers";
    public static final String WIDTH = "width";
    public static final String HEADS = "heads";
    public static final String MLP_MULTIPLIER = "mlp_multiplier";
    public static final String SEQ_LENGTH = "seq_length";
    public static final String OPTIMIZER = "optimizer";
    public static final String GRAD_CLIP = "grad_clip";

    /** Every hyperparameter name, in the order the spec documents them. */
    public static final java.util.List<String> NAMES = java.util.List.of(LEARNING_RATE, WARMUP_STEPS, SCHEDULE,
            BATCH_SIZE, DROPOUT, WEIGHT_DECAY, LAYERS, WIDTH, HEADS, MLP_MULTIPLIER, SEQ_LENGTH, OPTIMIZER, GRAD_CLIP);

    public Hyperparameters {
        require(learningRate > 0 && Double.isFinite(learningRate), LEARNING_RATE, "must be > 0", learningRate);
        require(warmupSteps >= 0, WARMUP_STEPS, "must be >= 0", warmupSteps);
        require(schedule != null, SCHEDULE, "is required", null);
        require(batchSize >= 1, BATCH_SIZE, "must be >= 1", batchSize);
        require(dropout >= 0 && dropout < 1, DROPOUT, "must be in [0, 1)", dropout);
        require(weightDecay >= 0 && Double.isFinite(weightDecay), WEIGHT_DECAY, "must be >= 0", weightDecay);
        require(layers >= 1, LAYERS, "must be >= 1", layers);
        require(width >= 1, WIDTH, "must be >= 1", width);
        require(heads >= 1, HEADS, "must be >= 1", heads);
        require(width % heads == 0, WIDTH, "must be divisible by heads (" + heads + ")", width);
        require(mlpMultiplier >= 1, MLP_MULTIPLIER, "must be >= 1", mlpMultiplier);
        require(seqLength >= 2, SEQ_LENGTH, "must be >= 2", seqLength);
        require(optimizer != null, OPTIMIZER, "is required", null);
        require(gradClip >= 0 && Double.isFinite(gradClip), GRAD_CLIP, "must be >= 0", gradClip);
    }

    private static void require(boolean ok, String name, String what, Object value) {
        if (!ok) {
            throw new IllegalArgumentException(name + " " + what + (value == null ? "" : ", got " + value));
        }
    }

    /** Snake_case map, enum values lower-case; the inverse of {@link #fromMap}. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(LEARNING_RATE, learningRate);
        m.put(WARMUP_STEPS, warmupSteps);
        m.put(SCHEDULE, schedule.name().toLowerCase(Locale.ROOT));
        m.put(BATCH_SIZE, batchSize);
        m.put(DROPOUT, dropout);
        m.put(WEIGHT_DECAY, weightDecay);
        m.put(LAYERS, layers);
        m.put(WIDTH, width);
        m.put(HEADS, heads);
        m.put(MLP_MULTIPLIER, mlpMultiplier);
        m.put(SEQ_LENGTH, seqLength);
        m.put(OPTIMIZER, optimizer.name().toLowerCase(Locale.ROOT));
        m.put(GRAD_CLIP, gradClip);
        return m;
    }

    /** Reads the map form; numbers may be any {@link Number} or numeric string (JSON and YAML give both). */
    public static Hyperparameters fromMap(Map<String, ?> m) {
        for (String name : NAMES) {
            if (!m.containsKey(name)) {
                throw new IllegalArgumentException("missing hyperparameter '" + name + "'");
            }
        }
        for (String key : m.keySet()) {
            if (!NAMES.contains(key)) {
                throw new IllegalArgumentException("unknown hyperparameter '" + key + "'; known: " + NAMES);
            }
        }
        return new Hyperparameters(dbl(m, LEARNING_RATE), integer(m, WARMUP_STEPS),
                enumOf(Schedule.class, m, SCHEDULE), integer(m, BATCH_SIZE), dbl(m, DROPOUT), dbl(m, WEIGHT_DECAY),
                integer(m, LAYERS), integer(m, WIDTH), integer(m, HEADS), integer(m, MLP_MULTIPLIER),
                integer(m, SEQ_LENGTH), enumOf(Optimizer.class, m, OPTIMIZER), dbl(m, GRAD_CLIP));
    }

    private static double dbl(Map<String, ?> m, String k) {
        Object v = m.get(k);
        try {
            return v instanceof Number n ? n.doubleValue() : Double.parseDouble(String.valueOf(v));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(k + " must be a number, got '" + v + "'");
        }
    }

    private static int integer(Map<String, ?> m, String k) {
        double d = dbl(m, k);
        if (d != Math.rint(d) || Math.abs(d) > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(k + " must be an integer, got " + m.get(k));
        }
        return (int) d;
    }

    private static <E extends Enum<E>> E enumOf(Class<E> type, Map<String, ?> m, String k) {
        String v = String.valueOf(m.get(k));
        try {
            return Enum.valueOf(type, v.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(k + " must be one of " + java.util.Arrays.stream(type.getEnumConstants())
                    .map(c -> c.name().toLowerCase(Locale.ROOT)).toList() + ", got '" + v + "'");
        }
    }
}
