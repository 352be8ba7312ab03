package io.hpo.space.spec;

import io.hpo.space.cost.CostSpec;

import java.time.Duration;
import java.util.List;

/**
 * Every default of the spec format but the hyperparameters' (those are in {@link io.hpo.space.Hyperparameter}'s
 * definitions), in one place; examples/full.yaml documents the same values.
 */
public final class SpecDefaults {

    public static final long SEED = 0;
    public static final String DATA_SOURCE = DataSpec.DEMO;
    public static final int DEMO_SENTENCES = 3000;
    public static final double VALIDATION_FRACTION = 0.1;
    public static final String DEMO_TASK = DataSpec.QUESTION_FORMATION;

    /** Checkpoints go under the driver's working directory, which for {@code ./hpo} is the repository root. */
    public static final String CHECKPOINT_DIR = ".hpo/checkpoints";
    public static final CheckpointPolicy CHECKPOINT_POLICY = CheckpointPolicy.BEST;

    public static final StrategyType STRATEGY = StrategyType.RANDOM;
    public static final int GRID_POINTS = 3;
    public static final int TPE_STARTUP_TRIALS = 10;
    public static final int TPE_EI_CANDIDATES = 24;
    public static final double TPE_GAMMA = 0.25;
    public static final boolean TPE_MULTIVARIATE = true;
    /** Off: the model-based samplers fit the final losses, as before the setting existed. */
    public static final boolean MULTI_FIDELITY = false;
    /** None: the samplers learn only from the search's own trials. */
    public static final List<String> WARM_START = List.of();

    public static final int PBT_POPULATION = 8;
    /** The default eval_every: a member is judged on the evaluation its interval ends with. */
    public static final int PBT_EXPLOIT_EVERY = 50;
    /** Truncation selection as in the PBT paper: the bottom 25% copy the top 25%. */
    public static final double PBT_QUANTILE = 0.25;
    public static final List<Double> PBT_PERTURB = List.of(0.8, 1.2);
    public static final double PBT_RESAMPLE_PROBABILITY = 0.25;

    public static final PrunerType PRUNER = PrunerType.NONE;
    public static final int PRUNER_STARTUP_TRIALS = 5;
    public static final int PRUNER_WARMUP_STEPS = 0;
    /** 0: the first rung sits at the spec's eval_every. */
    public static final int ASHA_MIN_STEPS = 0;
    /**
     * 4, as Optuna's and Ray Tune's ASHA: on the strategy benchmark (seeds 1–20) GP+ASHA reached random search's
     * final test loss with 0.30 of the budget against 0.32 with 3, TPE+ASHA with the same 0.41, and both chose
     * configurations with lower final test losses (docs/benchmarks.md).
     */
    public static final int ASHA_REDUCTION_FACTOR = 4;
    /** 3, as Hyperband's paper and Optuna's HyperbandPruner: with 4 fewer brackets fit below a trial's budget. */
    public static final int HYPERBAND_REDUCTION_FACTOR = 3;
    public static final int ASHA_MIN_EARLY_STOPPING_RATE = 0;
    /** 0: as many brackets as fit below the trial budget, Hyperband's own count. */
    public static final int HYPERBAND_BRACKETS = 0;

    public static final int MAX_TRIALS = 10;
    public static final int MAX_CONCURRENT_TRIALS = 1;
    public static final int MAX_STEPS_PER_TRIAL = 200;
    public static final Duration MAX_WALL_TIME = Duration.ofHours(1);

    public static final int WORKERS = 1;
    public static final int AVERAGING_FREQUENCY = 5;
    public static final int EVAL_EVERY = 50;
    public static final int EVAL_BATCHES = 8;
    /** Nesterov's outer learning rate and momentum where the spec names only the type. */
    public static final OuterOptimizerSpec NESTEROV = new OuterOptimizerSpec(OuterOptimizerType.NESTEROV, 0.7, 0.6);
    public static final OuterOptimizerSpec OUTER_OPTIMIZER = NESTEROV;

    /**
     * Prices of the {@code cost:} section: 100 W per worker (about one loaded server CPU socket's share; a GPU
     * worker draws 300-700 W), 475 gCO2/kWh (roughly the world's average grid) and 0.10 per worker-hour. They are
     * placeholders for a search that states none: set your hardware's, grid's and provider's figures.
     */
    public static final CostSpec COST = new CostSpec(100, 475, 0.10);

    private SpecDefaults() {
    }
}
