package io.hpo.aggregator.store;

import java.util.Map;

/**
 * One exploit of population-based training, as its TRIAL_EXPLOITED event stored it: at {@code step} the trial took
 * over the donor's state and went on with {@code config} instead of {@code previousConfig}.
 *
 * @param changes how each explored hyperparameter changed from the donor's ({@code x1.2}, {@code resampled})
 */
public record LineageLink(String trialId, String donor, long step, Map<String, Object> previousConfig,
                          Map<String, Object> config, Map<String, String> changes) {
}
