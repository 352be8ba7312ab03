package io.hpo.space.spec;

import java.io.Serializable;

/**
 * How each trial trains.
 *
 * @param workers            data-parallel workers that average parameters within ONE trial
 * @param averagingFrequency local steps each worker takes between parameter averagings
 * @param evalEvery          steps between validation evaluations
 * @param evalBatches        validation batches per evaluation
 * @param outerOptimizer     the step taken on the workers' averaged change at each averaging round; plain averaging
 *                           with one worker, who has nothing to average (so the same search whatever it says)
 */
public record TrainingSpec(int workers, int averagingFrequency, int evalEvery, int evalBatches,
                           OuterOptimizerSpec outerOptimizer) implements Serializable {

    public TrainingSpec {
        if (workers < 1 || averagingFrequency < 1 || evalEvery < 1 || evalBatches < 1) {
            throw new IllegalArgumentException("training settings must be >= 1: workers " + workers
                    + ", averagingFrequency " + averagingFrequency + ", evalEvery " + evalEvery
                    + ", evalBatches " + evalBatches);
        }
        if (outerOptimizer == null) {
            throw new IllegalArgumentException("outerOptimizer is required");
        }
        if (workers == 1) {
            outerOptimizer = OuterOptimizerSpec.average();
        }
    }
}
