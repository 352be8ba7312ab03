package io.hpo.worker.outer;

import io.hpo.space.spec.OuterOptimizerSpec;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * What the driver does, at the end of an averaging round, with the parameters the workers averaged, before the next
 * round starts from them. The round moved the parameters from {@code start} to the workers' {@code average}; an outer
 * optimizer treats {@code start - average} as a gradient (DiLoCo, arXiv:2311.08105). One instance serves one trial
 * attempt and keeps its state across that attempt's rounds; a re-run attempt trains from scratch with a new one. A
 * population member's intervals hand the {@link #state} on, so its rounds step as one run's would.
 */
public interface OuterOptimizer {

    /**
     * @param start   the parameters the round started from (not changed)
     * @param average the workers' averaged parameters: replaced, in place, by the parameters the next round starts
     *                from
     */
    void step(INDArray start, INDArray average);

    /** Whether {@link #step} needs the round's starting parameters: without it the driver keeps no copy. */
    boolean needsStart();

    /** What the next round's step depends on besides its parameters (Nesterov's velocity); null for none yet. */
    INDArray state();

    /** The outer optimizer of a trial with {@code workers} workers: a lone worker's round is left as it is. */
    static OuterOptimizer of(OuterOptimizerSpec spec, int workers) {
        return of(spec, workers, null);
    }

    /** As {@link #of(OuterOptimizerSpec, int)}, going on from {@code state}, one's {@link #state} (null: afresh). */
    static OuterOptimizer of(OuterOptimizerSpec spec, int workers, INDArray state) {
        if (workers == 1) {
            return PlainAveraging.INSTANCE;
        }
        return switch (spec.type()) {
            case AVERAGE -> PlainAveraging.INSTANCE;
            case NESTEROV -> new NesterovMomentum(spec.learningRate(), spec.momentum(), state);
        };
    }
}
