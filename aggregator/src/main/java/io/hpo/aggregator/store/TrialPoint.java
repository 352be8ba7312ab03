package io.hpo.aggregator.store;

import java.util.Map;

/**
 * One trial as a point of the search's hyperparameter space: what the parallel coordinates and the contour place.
 *
 * @param bestValLoss lowest finite validation loss, null without one
 * @param config      hyperparameters in spec order; empty until TRIAL_CREATED arrives
 */
public record TrialPoint(String trialId, String status, Double bestValLoss, Map<String, Object> config) {
}
