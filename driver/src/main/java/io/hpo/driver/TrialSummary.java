package io.hpo.driver;

import io.hpo.space.Hyperparameters;
import io.hpo.space.cost.Spend;
import io.hpo.worker.trial.TrainingResult;

/** A finished trial as the driver saw it, with what it spent. */
public record TrialSummary(String trialId, Hyperparameters hyperparameters, TrainingResult result, Spend spend) {
}
