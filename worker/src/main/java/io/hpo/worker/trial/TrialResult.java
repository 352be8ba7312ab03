package io.hpo.worker.trial;

/**
 * @param steps           optimizer steps completed
 * @param tokensSeen      training tokens consumed by all workers
 * @param bestValLoss     lowest validation loss seen (nats per token), NaN if never evaluated
 * @param bestStep        step of {@code bestValLoss}, 0 if never evaluated
 * @param tokensAtBest    training tokens consumed when {@code bestValLoss} was reached
 * @param reason          why the trial did not complete; null when it did
 */
public record TrialResult(TrialOutcome outcome, long steps, long tokensSeen, double bestValLoss, long bestStep,
                          long tokensAtBest,
                          String reason, long wallTimeMs) {
}
