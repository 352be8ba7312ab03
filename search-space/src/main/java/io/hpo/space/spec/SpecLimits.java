package io.hpo.space.spec;

import java.time.Duration;

/**
 * Upper limits the loader enforces. They are far above anything a CPU cluster trains, and are there so that a typo
 * (an extra zero) fails at load time instead of as an out-of-memory error on an executor. The hyperparameters'
 * limits are in their definitions ({@link io.hpo.space.Hyperparameter}).
 */
public final class SpecLimits {

    /** Bytes of a spec file, and characters of a spec text: specs are a few kB; past this is not a spec. */
    public static final int MAX_SPEC_SIZE = 1 << 20;
    /** Nesting of YAML lists and mappings; a spec needs 3. Guards the parser's recursion. */
    public static final int MAX_YAML_DEPTH = 50;
    /** Aliases to lists or mappings; a spec needs none. Guards against alias bombs ("billion laughs"). */
    public static final int MAX_YAML_ALIASES = 50;
    /**
     * What one trial of the largest configuration a space allows may need to train, by {@link MemoryEstimate}:
     * a space past it has configurations no executor could hold.
     */
    public static final long MAX_TRIAL_MEMORY_BYTES = 64L << 30;
    public static final int MAX_NAME_LENGTH = 100;
    public static final int MAX_CONSTRAINT_LENGTH = 200;
    /** Characters of notify.webhook; common servers refuse request lines much past 2,000 characters anyway. */
    public static final int MAX_WEBHOOK_LENGTH = 2000;
    public static final int MIN_DEMO_SENTENCES = 100;
    public static final int MAX_DEMO_SENTENCES = 1_000_000;
    public static final double MAX_VALIDATION_FRACTION = 0.5;
    public static final int MIN_GRID_POINTS = 2;
    public static final int MAX_GRID_POINTS = 1000;
    /** Points a grid search may have; Arbiter queues every index up front. */
    public static final long MAX_GRID_SIZE = 100_000;
    public static final int MAX_TPE_STARTUP_TRIALS = 100_000;
    public static final int MAX_TPE_EI_CANDIDATES = 10_000;
    /** Largest good group of the tpe strategy: past it, more good trials only blur the density. */
    public static final int MAX_TPE_GOOD_TRIALS = 25;
    /** Earlier searches one spec may warm-start from; each is read from the results store before Spark starts. */
    public static final int MAX_WARM_START_SEARCHES = 20;
    /** Longest search id, as the driver's SearchIds accepts them. */
    public static final int MAX_SEARCH_ID_LENGTH = 100;
    public static final int MAX_PRUNER_STEPS = 10_000_000;
    public static final int MAX_REDUCTION_FACTOR = 100;
    public static final int MAX_MIN_EARLY_STOPPING_RATE = 30;
    /** More than fit below any trial budget (log2 of MAX_STEPS_PER_TRIAL is 23.3); a spec's own budget allows fewer. */
    public static final int MAX_HYPERBAND_BRACKETS = 30;
    public static final int MAX_TRIALS = 100_000;
    /** Factors one pbt perturb list may hold; a few choices are the method's practice (0.8 and 1.2). */
    public static final int MAX_PBT_PERTURB_FACTORS = 10;
    /** Largest pbt perturb factor: past it one explore step jumps across most ranges a spec writes. */
    public static final double MAX_PBT_PERTURB_FACTOR = 10;
    public static final int MAX_CONCURRENT_TRIALS = 1024;
    public static final int MAX_STEPS_PER_TRIAL = 10_000_000;
    public static final Duration MAX_WALL_TIME = Duration.ofDays(30);
    public static final int MAX_WORKERS = 1024;
    public static final int MAX_AVERAGING_FREQUENCY = 1_000_000;
    /** An outer step this many times the workers' averaged change is far past any published setting (DiLoCo: 0.7). */
    public static final double MAX_OUTER_LEARNING_RATE = 10;
    public static final int MAX_EVAL_BATCHES = 100_000;

    /** Largest power per worker: a typo guard, above any accelerator's draw. */
    public static final double MAX_DEVICE_WATTS = 100_000;
    /** Largest grid carbon intensity, gCO2/kWh; coal-fired grids are near 1,000. */
    public static final double MAX_GRID_GCO2_PER_KWH = 10_000;
    public static final double MAX_PRICE_PER_HOUR = 1_000_000;
    /** Largest value of any spend budget (max_tokens, max_flops, ...); FLOPs of a frontier model are near 1e26. */
    public static final double MAX_SPEND_LIMIT = 1e30;

    private SpecLimits() {
    }
}
