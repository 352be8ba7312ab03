package io.hpo.aggregator.results;

import io.hpo.aggregator.importance.PedAnova;

import java.util.List;

/**
 * Which hyperparameters explain a search's loss ({@link PedAnova}), for the API and CLI.
 *
 * @param method          how it was measured
 * @param topQuantile     the share of the trials counted as top trials
 * @param trials          the trials compared: ended (completed, pruned or diverged) with a finite best loss
 * @param topTrials       the best completed ones among them
 * @param hyperparameters every searched hyperparameter that varies among the trials, most important first
 */
public record Importance(String searchId, String method, double topQuantile, int trials, int topTrials,
                         List<PedAnova.Score> hyperparameters) {
    public static final String METHOD = "PED-ANOVA";
}
