package io.hpo.worker.trial;

import io.hpo.space.Hyperparameters;

import java.io.Serializable;

/**
 * Everything one trial needs to train, fixed before it starts.
 *
 * @param maxSteps           optimizer steps to train (each worker takes this many; workers average in between)
 * @param workers            data-parallel workers whose parameters are averaged
 * @param averagingFrequency local steps each worker takes between two averagings
 * @param evalEvery          steps between validation evaluations (and one at the end)
 * @param evalBatches        validation batches per evaluation
 * @param seed               seeds the model's initialisation and the order of training windows
 */
public record TrialPlan(String searchId, String trialId, Hyperparameters hyperparameters, int maxSteps, int workers,
                        int averagingFrequency, int evalEvery, int evalBatches, long seed) implements Serializable {

    public TrialPlan {
        if (maxSteps < 1 || workers < 1 || averagingFrequency < 1 || evalEvery < 1 || evalBatches < 1) {
            throw new IllegalArgumentException("maxSteps, workers, averagingFrequency, evalEvery and evalBatches must be >= 1");
        }
    }

    /** Training tokens one step consumes across all workers. */
    public long tokensPerStep() {
        return (long) hyperparameters.batchSize() * hyperparameters.seqLength() * workers;
    }
}
