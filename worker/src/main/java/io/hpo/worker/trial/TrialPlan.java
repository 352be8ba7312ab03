package io.hpo.worker.trial;

import io.hpo.space.Hyperparameters;
import io.hpo.space.spec.OuterOptimizerSpec;

import java.io.Serializable;

/**
 * Everything one trial needs to train, fixed before it starts.
 *
 * @param attempt            1 for the first run; a re-run of the same trial (same config and seed) counts up
 * @param maxSteps           optimizer steps to train (each worker takes this many; workers average in between)
 * @param workers            data-parallel workers whose parameters are averaged
 * @param averagingFrequency local steps each worker takes between two averagings
 * @param evalEvery          steps between validation evaluations (and one at the end)
 * @param evalBatches        validation batches per evaluation
 * @param evalBatchSize      validation windows per batch: in a search, the largest batch size of its space, so that
 *                           every trial is scored on the same windows whatever batch size it trains with
 * @param seed               seeds the model's initialisation and the order of training windows
 * @param initCheckpoint     path of the checkpoint the model starts from, or null to train from scratch
 * @param outerOptimizer     the step taken on the workers' averaged change at each averaging round
 */
public record TrialPlan(String searchId, String trialId, int attempt, Hyperparameters hyperparameters, int maxSteps, int workers,
                        int averagingFrequency, int evalEvery, int evalBatches, int evalBatchSize, long seed,
                        String initCheckpoint, OuterOptimizerSpec outerOptimizer) implements Serializable {

    public TrialPlan {
        if (attempt < 1 || maxSteps < 1 || workers < 1 || averagingFrequency < 1 || evalEvery < 1 || evalBatches < 1
                || evalBatchSize < 1) {
            throw new IllegalArgumentException("attempt, maxSteps, workers, averagingFrequency, evalEvery, evalBatches"
                    + " and evalBatchSize must be >= 1");
        }
        if (initCheckpoint == null && hyperparameters.freezesAny()) {
            throw new IllegalArgumentException("frozen_blocks and fine_tune_mode need a checkpoint to start from");
        }
        if (outerOptimizer == null) {
            throw new IllegalArgumentException("outerOptimizer is required");
        }
    }

    /** A trial trained from scratch with plain averaging, scored on validation batches of its own batch size. */
    public TrialPlan(String searchId, String trialId, int attempt, Hyperparameters hyperparameters, int maxSteps,
                     int workers, int averagingFrequency, int evalEvery, int evalBatches, long seed) {
        this(searchId, trialId, attempt, hyperparameters, maxSteps, workers, averagingFrequency, evalEvery, evalBatches,
                hyperparameters.batchSize(), seed, null, OuterOptimizerSpec.average());
    }

    /** The same trial with another outer optimizer. */
    public TrialPlan withOuterOptimizer(OuterOptimizerSpec outer) {
        return new TrialPlan(searchId, trialId, attempt, hyperparameters, maxSteps, workers, averagingFrequency,
                evalEvery, evalBatches, evalBatchSize, seed, initCheckpoint, outer);
    }

    /** The same trial going on with other hyperparameters (a population member that took over a donor's state). */
    public TrialPlan withHyperparameters(Hyperparameters other) {
        return new TrialPlan(searchId, trialId, attempt, other, maxSteps, workers, averagingFrequency, evalEvery,
                evalBatches, evalBatchSize, seed, initCheckpoint, outerOptimizer);
    }

    /** The same trial, run again from the start (from its checkpoint, if it has one). */
    public TrialPlan nextAttempt() {
        return new TrialPlan(searchId, trialId, attempt + 1, hyperparameters, maxSteps, workers, averagingFrequency,
                evalEvery, evalBatches, evalBatchSize, seed, initCheckpoint, outerOptimizer);
    }

    /**
     * Where the round that takes global step {@code step + 1} ends: at the next multiple of the averaging frequency,
     * or at {@code toStep} if that comes first. Rounds end at those multiples whatever step a fit starts at, so that
     * a population member's intervals round as a whole trial does.
     */
    public long roundEnd(long step, long toStep) {
        return Math.min(step + averagingFrequency - step % averagingFrequency, toStep);
    }

    /** Training tokens one step consumes across all workers. */
    public long tokensPerStep() {
        return (long) hyperparameters.batchSize() * hyperparameters.seqLength() * workers;
    }
}
