package io.hpo.worker.trial;

import io.hpo.events.TrialStatus;

/**
 * How one run of a trial's training ended, as {@link TrialRunner} returns it to the driver (the aggregator's row of a
 * stored trial is a different thing: {@code StoredTrial}).
 *
 * @param outcome         the terminal status the run ended with
 * @param steps           optimizer steps completed
 * @param tokensSeen      training tokens consumed by all workers
 * @param bestValLoss     lowest validation loss seen (nats per token), NaN if never evaluated
 * @param bestStep        step of {@code bestValLoss}, 0 if never evaluated
 * @param tokensAtBest    training tokens consumed when {@code bestValLoss} was reached
 * @param reason          why the trial did not complete; null when it did
 * @param checkpoint      where the trained model was saved; null when it was not
 */
public record TrainingResult(TrialStatus outcome, long steps, long tokensSeen, double bestValLoss, long bestStep,
                             long tokensAtBest,
                             String reason, long wallTimeMs, String checkpoint) {

    public TrainingResult {
        if (!outcome.isTerminal()) {
            throw new IllegalArgumentException("a training run ends with a terminal status, not " + outcome);
        }
    }

    /** A result without a saved model. */
    public TrainingResult(TrialStatus outcome, long steps, long tokensSeen, double bestValLoss, long bestStep,
                          long tokensAtBest, String reason, long wallTimeMs) {
        this(outcome, steps, tokensSeen, bestValLoss, bestStep, tokensAtBest, reason, wallTimeMs, null);
    }

    /**
     * This result of a population member's interval, following {@code earlier}, its result up to the interval: the
     * best loss over both (a tie going to the earlier step), the wall time of both.
     */
    public TrainingResult following(TrainingResult earlier) {
        boolean earlierBest = Double.isNaN(bestValLoss)
                || (!Double.isNaN(earlier.bestValLoss) && earlier.bestValLoss <= bestValLoss);
        TrainingResult best = earlierBest ? earlier : this;
        return new TrainingResult(outcome, steps, tokensSeen, best.bestValLoss, best.bestStep, best.tokensAtBest,
                reason, wallTimeMs + earlier.wallTimeMs, checkpoint);
    }

    public TrainingResult withCheckpoint(String path) {
        return new TrainingResult(outcome, steps, tokensSeen, bestValLoss, bestStep, tokensAtBest, reason, wallTimeMs,
                path);
    }
}
