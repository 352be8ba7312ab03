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
 * @param frozenBlocks   fine-tuning: how many of the lowest blocks (with the embeddings below them) keep the
 *                       checkpoint's weights; 0 for a model trained from scratch
 * @param fineTuneMode   fine-tuning: {@link FineTuneMode#FEATURE_EXTRACTION} trains only the output head
 */
public record Hyperparameters(double learningRate, int warmupSteps, Schedule schedule, int batchSize, double dropout,
                              double weightDecay, int layers, int width, int heads, int mlpMultiplier, int seqLength,
                              Optimizer optimizer, double gradClip, int frozenBlocks, FineTuneMode fineTuneMode)
        implements Serializable {

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
    public static final String FROZEN_BLOCKS = "frozen_blocks";
    public static final String FINE_TUNE_MODE = "fine_tune_mode";

    /** Every hyperparameter name, in the order the spec documents them. */
    public static final java.util.List<String> NAMES = java.util.List.of(LEARNING_RATE, WARMUP_STEPS, SCHEDULE,
            BATCH_SIZE, DROPOUT, WEIGHT_DECAY, LAYERS, WIDTH, HEADS, MLP_MULTIPLIER, SEQ_LENGTH, OPTIMIZER, GRAD_CLIP,
            FROZEN_BLOCKS, FINE_TUNE_MODE);
    /** The architecture: what a checkpoint fixes for every trial that fine-tunes it. */
    public static final java.util.List<String> ARCHITECTURE = java.util.List.of(LAYERS, WIDTH, HEADS, MLP_MULTIPLIER,
            SEQ_LENGTH);
    /** Only a trial that starts from a checkpoint may set these to other than their from-scratch values. */
    public static final java.util.List<String> FINE_TUNING = java.util.List.of(FROZEN_BLOCKS, FINE_TUNE_MODE);

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
        require(frozenBlocks >= 0, FROZEN_BLOCKS, "must be >= 0", frozenBlocks);
        require(frozenBlocks <= layers, FROZEN_BLOCKS, "must be at most layers (" + layers + ")", frozenBlocks);
        require(fineTuneMode != null, FINE_TUNE_MODE, "is required", null);
    }

    /** A configuration trained from scratch: nothing frozen. */
    public Hyperparameters(double learningRate, int warmupSteps, Schedule schedule, int batchSize, double dropout,
                           double weightDecay, int layers, int width, int heads, int mlpMultiplier, int seqLength,
                           Optimizer optimizer, double gradClip) {
        this(learningRate, warmupSteps, schedule, batchSize, dropout, weightDecay, layers, width, heads, mlpMultiplier,
                seqLength, optimizer, gradClip, 0, FineTuneMode.FULL);
    }

    /** Whether this configuration freezes anything, which only a trial starting from a checkpoint can do. */
    public boolean freezesAny() {
        return frozenBlocks > 0 || fineTuneMode == FineTuneMode.FEATURE_EXTRACTION;
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
        m.put(FROZEN_BLOCKS, frozenBlocks);
        m.put(FINE_TUNE_MODE, fineTuneMode.name().toLowerCase(Locale.ROOT));
        return m;
    }

    /**
     * Reads the map form; numbers may be any {@link Number} or numeric string (JSON and YAML give both). The
     * fine-tuning keys may be missing: configurations recorded before they existed trained from scratch.
     */
    public static Hyperparameters fromMap(Map<String, ?> m) {
        for (String name : NAMES) {
            if (!m.containsKey(name) && !FINE_TUNING.contains(name)) {
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
                integer(m, SEQ_LENGTH), enumOf(Optimizer.class, m, OPTIMIZER), dbl(m, GRAD_CLIP),
                m.containsKey(FROZEN_BLOCKS) ? integer(m, FROZEN_BLOCKS) : 0,
                m.containsKey(FINE_TUNE_MODE) ? enumOf(FineTuneMode.class, m, FINE_TUNE_MODE) : FineTuneMode.FULL);
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
