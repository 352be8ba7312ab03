package io.hpo.worker.bench;

import io.hpo.space.spec.SpecDefaults;

/**
 * Settings of {@link StrategyBenchmark}, read from system properties ({@code -Dhpo.bench.<key>=...}); each default
 * is the constant beside it. The defaults were fixed before the run they produced, from these rules:
 * <ul>
 *   <li>ASHA's first rung comes at twice the longest warm-up, so a trial is ranked on loss it reached at its full
 *       learning rate rather than on how far its warm-up had got: a third of a trial, the two-level bracket of
 *       successive halving with the reduction factor 3 the benchmark began with (r = R/eta);</li>
 *   <li>the reduction factors are the spec's defaults (asha's 4 since issue #22's runs, hyperband's 3), so the
 *       benchmark measures what a spec that names none gets;</li>
 *   <li>the warm-up range is at most a sixth of a trial;</li>
 *   <li>the budget is 30 full trials' worth, so TPE gets its start-up trials plus 22 guided ones;</li>
 *   <li>trials are short enough that the default run (20 seeds, three strategies: 60 searches, two at a time) takes
 *       under 40 minutes on 2 cores.</li>
 * </ul>
 *
 * @param firstSeed       the first search's seed
 * @param seeds           searches per strategy, seeds firstSeed..firstSeed + seeds - 1
 * @param budgetSteps     training steps summed over all trials of one search
 * @param maxSteps        step budget of one trial (max_steps_per_trial)
 * @param evalEvery       steps between validation evaluations
 * @param evalBatches     validation batches per evaluation
 * @param sentences       demo corpus size
 * @param widths          model widths to search, as a YAML list
 * @param layers          transformer blocks
 * @param seqLength       tokens per sequence
 * @param startup         random trials before TPE takes over
 * @param gamma           TPE's share of trials in the good group
 * @param eiCandidates    candidates TPE draws from the good density per suggestion (the spec's default)
 * @param maxWarmup       upper end of the warmup_steps range
 * @param ashaMinSteps    ASHA's first rung (min_steps)
 * @param reductionFactor ASHA's reduction factor
 * @param hyperbandReductionFactor Hyperband's reduction factor
 * @param threads         searches run at once, each on one thread
 * @param strategies      which of random, tpe, tpe+asha, gp, gp+asha, hyperband, tpe+hyperband, bohb, pbt,
 *                        random-moo and motpe to run, comma-separated; "steps to random best" needs random, the hypervolume
 *                        report both random-moo and motpe
 * @param trialLog        CSV file for one row per trial ({@link TrialLog}); empty for none
 * @param plot            PNG file for the anytime plot (test loss of each search's choice against compute)
 */
record BenchmarkSettings(int firstSeed, int seeds, int budgetSteps, int maxSteps, int evalEvery, int evalBatches,
                         int sentences, String widths, int layers, int seqLength, int startup, double gamma,
                         int eiCandidates, int maxWarmup, int ashaMinSteps, int reductionFactor,
                         int hyperbandReductionFactor, int threads,
                         String strategies, String trialLog, String plot) {

    static final int FIRST_SEED = 1;
    static final int SEEDS = 20;
    static final int MAX_STEPS = 90;
    static final int BUDGET_STEPS = 30 * MAX_STEPS;
    static final int EVAL_EVERY = 15;
    static final int EVAL_BATCHES = 4;
    static final int SENTENCES = 2000;
    static final String WIDTHS = "[16, 24, 32]";
    static final int LAYERS = 1;
    static final int SEQ_LENGTH = 24;
    static final int STARTUP = 8;
    static final double GAMMA = 0.25;
    static final int EI_CANDIDATES = 24;
    static final int MAX_WARMUP = MAX_STEPS / 6;
    static final int REDUCTION_FACTOR = SpecDefaults.ASHA_REDUCTION_FACTOR;
    static final int HYPERBAND_REDUCTION_FACTOR = SpecDefaults.HYPERBAND_REDUCTION_FACTOR;
    static final int ASHA_MIN_STEPS = 2 * MAX_WARMUP;
    /** One search per core: surefire sets OMP_NUM_THREADS=1, so each search's ND4J ops stay on its own thread. */
    static final int THREADS = 2;
    static final String STRATEGIES = "random,tpe,tpe+asha";
    /** Under the module's build folder, which {@code mvn clean} empties: the README's copy is made by hand. */
    static final String PLOT = "target/strategy-anytime.png";

    static BenchmarkSettings fromSystemProperties() {
        return new BenchmarkSettings(integer("first_seed", FIRST_SEED), integer("seeds", SEEDS),
                integer("budget", BUDGET_STEPS), integer("max_steps", MAX_STEPS), integer("eval_every", EVAL_EVERY),
                integer("eval_batches", EVAL_BATCHES), integer("sentences", SENTENCES),
                System.getProperty("hpo.bench.widths", WIDTHS), integer("layers", LAYERS),
                integer("seq_length", SEQ_LENGTH), integer("startup", STARTUP),
                Double.parseDouble(System.getProperty("hpo.bench.gamma", Double.toString(GAMMA))),
                integer("ei_candidates", EI_CANDIDATES), integer("max_warmup", MAX_WARMUP),
                integer("asha_min_steps", ASHA_MIN_STEPS), integer("reduction_factor", REDUCTION_FACTOR),
                integer("hyperband_reduction_factor", HYPERBAND_REDUCTION_FACTOR),
                integer("threads", THREADS), System.getProperty("hpo.bench.strategies", STRATEGIES),
                System.getProperty("hpo.bench.trial_log", ""), System.getProperty("hpo.bench.plot", PLOT));
    }

    private static int integer(String key, int fallback) {
        return Integer.parseInt(System.getProperty("hpo.bench." + key, Integer.toString(fallback)));
    }

    /**
     * The search spec every strategy shares; only strategy, pruner and objectives differ. Hyperband shares ASHA's
     * min_steps, has its own reduction_factor and takes every bracket that fits (with the defaults: one that stops
     * trials at the first rung and one that trains them to the end). pbt trains budget / max_steps members (the
     * budget's worth of full trials) and exploits every asha_min_steps steps, for ASHA's reason: twice the longest
     * warm-up, so members are ranked on loss reached at their full learning rate.
     */
    String spec(long seed, StrategyBenchmark.Strategy strategy) {
        String search = strategy.population()
                ? "strategy: {type: pbt, population: %d, exploit_every: %d}".formatted(budgetSteps / maxSteps,
                ashaMinSteps)
                : """
                strategy: {type: %s, startup_trials: %d, gamma: %s, ei_candidates: %d, multi_fidelity: %b}
                pruner: {type: %s, min_steps: %d, reduction_factor: %d}""".formatted(strategy.type(), startup, gamma,
                eiCandidates, strategy.multiFidelity(), strategy.pruner(), ashaMinSteps,
                strategy.pruner().equals("hyperband") ? hyperbandReductionFactor : reductionFactor);
        return """
                name: strategy-benchmark
                seed: %d
                data: {source: demo, demo_sentences: %d}
                %s
                %s
                budget: {max_trials: 100000, max_steps_per_trial: %d}
                training: {eval_every: %d, eval_batches: %d}
                space:
                  learning_rate: {log_uniform: [1.0e-4, 3.0e-2]}
                  warmup_steps: {int: [0, %d]}
                  schedule: {choice: [constant, linear, cosine]}
                  batch_size: {choice: [8, 16]}
                  dropout: {uniform: [0.0, 0.3]}
                  weight_decay: {log_uniform: [1.0e-5, 1.0e-1]}
                  layers: %d
                  width: {choice: %s}
                  heads: 2
                  seq_length: %d
                """.formatted(seed, sentences, search,
                strategy.multiObjective() ? "objectives: [val_loss, " + StrategyBenchmark.MOO_OBJECTIVE.key() + "]"
                        : "", maxSteps, evalEvery, evalBatches, maxWarmup, layers, widths, seqLength);
    }
}
