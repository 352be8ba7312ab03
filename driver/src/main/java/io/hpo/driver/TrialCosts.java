package io.hpo.driver;

import io.hpo.events.TrialAccounting;
import io.hpo.space.cost.CostSpec;
import io.hpo.space.cost.Spend;
import io.hpo.worker.model.TransformerModel;
import io.hpo.worker.trial.TrialPlan;

/**
 * A trial's accounting from what the driver measured: the model's size N, the search's training tokens D, the
 * trial's wall time on the driver (all its attempts, since each held its workers) and the tokens it processed,
 * priced with the spec's {@link CostSpec}. Also reads a recorded terminal event's accounting back as spend, so a
 * resumed search counts what its finished trials spent.
 */
final class TrialCosts {
    private final CostSpec prices;
    private final int vocabSize;
    private final long trainingTokens;

    /** @param trainingTokens D: tokens in the search's training split */
    TrialCosts(CostSpec prices, int vocabSize, long trainingTokens) {
        this.prices = prices;
        this.vocabSize = vocabSize;
        this.trainingTokens = trainingTokens;
    }

    TrialAccounting account(TrialPlan plan, long wallTimeMs, long tokens) {
        long parameters = TransformerModel.parameterCount(plan.hyperparameters(), vocabSize);
        return new TrialAccounting(parameters, trainingTokens,
                Spend.ofTrial(prices, parameters, plan.workers(), wallTimeMs, tokens));
    }

    /** The spend an event's accounting records; nothing for an event published before accounting existed. */
    static Spend spend(TrialAccounting a) {
        return a == null ? Spend.NONE : a.spend();
    }
}
