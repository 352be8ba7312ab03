package io.hpo.driver;

import io.hpo.space.Hyperparameters;
import io.hpo.space.cost.Spend;
import io.hpo.worker.trial.TrainingResult;

import java.util.NavigableMap;

/**
 * A finished trial as the driver saw it, with what it spent.
 *
 * @param evaluations its last attempt's validation loss at each step it was evaluated, lowest step first
 */
public record TrialSummary(String trialId, Hyperparameters hyperparameters, TrainingResult result, Spend spend,
                           NavigableMap<Long, Double> evaluations) {
}
