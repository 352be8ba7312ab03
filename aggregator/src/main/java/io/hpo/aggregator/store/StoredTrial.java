package io.hpo.aggregator.store;

import io.hpo.space.cost.Spend;

import java.time.Instant;
import java.util.Map;

/**
 * One trial as stored (a row of {@code trials}), with its place in the search's ranking.
 *
 * @param rank         1 = best; trials without a finite evaluation come last
 * @param status       a {@link io.hpo.events.TrialStatus} name
 * @param config       hyperparameters in spec order; empty until TRIAL_CREATED arrives
 * @param bestValLoss  lowest finite validation loss, null without one
 * @param bestStep     step of that evaluation
 * @param tokensAtBest training tokens consumed at that evaluation
 * @param finalStep    furthest step any event of the trial reported
 * @param tokensSeen   most training tokens any event of the trial reported
 * @param reason       why a trial diverged, failed or was pruned (or the driver's note on completion)
 * @param prunedRung   the successive-halving rung where a PRUNED trial stopped; null otherwise
 * @param attempt      which run of the trial the figures are from (1 unless it was retried or resumed)
 * @param parameters   N, the model's parameters; null until the trial's terminal event brings its accounting
 * @param trainingTokens D, tokens in the search's training split; null likewise
 * @param spend        what the trial spent (executor time, tokens, FLOPs, energy, CO2, money); null likewise
 * @param overfitting  why the trial looks overfitted ({@link OverfittingRule}); null when it does not
 */
public record StoredTrial(int rank, String trialId, String status, Map<String, Object> config, Double bestValLoss,
                          Long bestStep, Long tokensAtBest, Long finalStep, Long tokensSeen, String reason,
                          Instant createdAt, Instant startedAt, Instant endedAt, Integer prunedRung,
                          int attempt, Long parameters, Long trainingTokens, Spend spend, String overfitting) {
}
