package io.hpo.aggregator.results;

import java.util.Map;

/**
 * A trial of a search and the spec that reruns it: the winner, or one chosen from a multi-objective search's front.
 *
 * @param spec       the search's spec with every hyperparameter fixed to this trial's value and one trial: YAML
 *                   that reruns the trial
 * @param checkpoint where the trial's trained model was saved; null when it was not (not completed, or the
 *                   search's checkpoints.save did not keep it)
 */
public record BestTrial(String searchId, String trialId, String status, double bestValLoss, long bestStep,
                        long tokensAtBest, Map<String, Object> config, String spec, String checkpoint) {
}
