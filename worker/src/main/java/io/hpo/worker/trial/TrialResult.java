package io.hpo.worker.trial;

/**
 * @param steps           optimizer steps completed
 * @param tokensSeen      training tokens consumed by all workers
 * @param bestValLoss     lowest validation loss seen (nats per token), NaN if never evaluated
 * @param bestStep        step of {@code bestValLoss}, 0 if never evaluated
 * @param tokensAtBest    training tokens consumed when {@code bestValLoss} was reached
 * @param reason          why the trial did not complete; null when it did
 * @param checkpoint      where the trained model was saved; null when it was not
 */
public record TrialResult(TrialOutcome outcome, long steps, long tokensSeen, double bestValLoss, long bestStep,
                          long tokensAtBest,
                          String reason, long wallTimeMs, String checkpoint) {

    /** A result without a saved model. */
    public TrialResult(TrialOutcome outcome, long steps, long tokensSeen, double bestValLoss, long bestStep,
                       long tokensAtBest, String reason, long wallTimeMs) {
        this(outcome, steps, tokensSeen, bestValLoss, bestStep, tokensAtBest, reason, wallTimeMs, null);
    }

    public TrialResult withCheckpoint(String path) {
        return new TrialResult(outcome, steps, tokensSeen, bestValLoss, bestStep, tokensAtBest, reason, wallTimeMs,
                path);
    }
}
