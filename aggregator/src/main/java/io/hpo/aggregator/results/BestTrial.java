package io.hpo.aggregator.results;

import java.util.Map;

/**
 * The winning trial of a search.
 *
 * @param spec       the search's spec with every hyperparameter fixed to this trial's value and one trial: YAML
 *                   that reruns the winner
 * @param checkpoint where the winner's trained model was saved; null when it was not (not completed, or the
 *                   search's checkpoints.save did not keep it)
 */
public record BestTrial(String searchId, String trialId, String status, double bestValLoss, long bestStep,
                        long tokensAtBest, Map<String, Object> config, String spec, String checkpoint) {
}
