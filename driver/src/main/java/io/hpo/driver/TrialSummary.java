package io.hpo.driver;

import io.hpo.space.Hyperparameters;
import io.hpo.worker.trial.TrialResult;

/** A finished trial as the driver saw it. */
public record TrialSummary(String trialId, Hyperparameters hyperparameters, TrialResult result) {
}
