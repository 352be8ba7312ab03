package io.hpo.driver.history;

import io.hpo.events.LifecycleEvent;

import java.util.List;
import java.util.Map;

/**
 * One trial as the lifecycle topic recorded it.
 *
 * @param config      its hyperparameters, from TRIAL_CREATED
 * @param enqueuedBy  the request that enqueued it, from TRIAL_CREATED; null for a sampled trial
 * @param lastAttempt the latest attempt that started; 0 when it was created but never started
 * @param terminal    its terminal event, null while it has none (it was running when its driver stopped)
 * @param evaluations the latest attempt's validation losses, by step
 */
public record RecordedTrial(String trialId, Map<String, Object> config, String enqueuedBy, int lastAttempt,
                            LifecycleEvent terminal, List<Evaluation> evaluations) {

    public record Evaluation(long step, double validationLoss, long tokensSeen) {
    }

    public boolean finished() {
        return terminal != null;
    }

    /** The lowest finite validation loss of the latest attempt, NaN without one. */
    public double bestValidationLoss() {
        return evaluations.stream().mapToDouble(Evaluation::validationLoss).filter(Double::isFinite).min()
                .orElse(Double.NaN);
    }
}
