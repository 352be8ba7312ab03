package io.hpo.events;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import io.hpo.space.cost.Spend;

/**
 * What one trial cost and what it trained on, published with its terminal lifecycle event (estimates; see
 * README "Cost and energy"). Events written before accounting existed have none. On the wire the spend's fields sit
 * beside N and D in one flat object, as they always have.
 *
 * @param parameters     N, the model's trainable parameters
 * @param trainingTokens D, tokens in the search's training split
 * @param spend          the trial's spend: its executor-seconds are its wall time on the driver (all its attempts)
 *                       × the workers it held, its tokens those it processed, its FLOPs 6 · N · tokens
 */
public record TrialAccounting(long parameters, long trainingTokens, @JsonUnwrapped Spend spend) {

    // Jackson 2.15 cannot pass an unwrapped object to a constructor: JSON is read through fromJson instead
    @JsonCreator(mode = JsonCreator.Mode.DISABLED)
    public TrialAccounting {
    }

    @JsonCreator
    static TrialAccounting fromJson(@JsonProperty("parameters") long parameters,
                                    @JsonProperty("trainingTokens") long trainingTokens,
                                    @JsonProperty("executorSeconds") double executorSeconds,
                                    @JsonProperty("tokens") long tokens, @JsonProperty("flops") double flops,
                                    @JsonProperty("energyKwh") double energyKwh, @JsonProperty("co2Kg") double co2Kg,
                                    @JsonProperty("cost") double cost) {
        return new TrialAccounting(parameters, trainingTokens,
                new Spend(executorSeconds, tokens, flops, energyKwh, co2Kg, cost));
    }
}
