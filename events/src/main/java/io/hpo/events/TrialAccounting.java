package io.hpo.events;

/**
 * What one trial cost and what it trained on, published with its terminal lifecycle event (estimates; see
 * README "Cost and energy"). Events written before accounting existed have none.
 *
 * @param parameters      N, the model's trainable parameters
 * @param trainingTokens  D, tokens in the search's training split
 * @param executorSeconds wall time of the trial on the driver (all its attempts) × workers it held
 * @param tokens          training tokens the trial processed
 * @param flops           estimated training FLOPs, 6 · N · tokens
 * @param energyKwh       device energy: watts per worker × executor-seconds / 3.6e6
 * @param co2Kg           energy × grid carbon intensity
 * @param cost            price per worker-hour × executor-hours, in the spec's currency
 */
public record TrialAccounting(long parameters, long trainingTokens, double executorSeconds, long tokens,
                              double flops, double energyKwh, double co2Kg, double cost) {
}
