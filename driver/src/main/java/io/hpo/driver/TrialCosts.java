package io.hpo.driver;

import io.hpo.events.TrialAccounting;
import io.hpo.space.ModelSize;
import io.hpo.space.cost.CostSpec;
import io.hpo.space.cost.Spend;
import io.hpo.worker.data.CorpusSplit;
import io.hpo.worker.trial.TrialPlan;

/**
 * A trial's accounting from what the driver measured: the model's size N, the training tokens D of its data share, the
 * trial's wall time on the driver (all its attempts, since each held its workers) and the tokens it processed,
 * priced with the spec's {@link CostSpec}. Also reads a recorded terminal event's accounting back as spend, so a
 * resumed search counts what its finished trials spent.
 */
final class TrialCosts {
    private final CostSpec prices;
    private final int vocabSize;
    private final int trainingTokens;

    /** @param trainingTokens tokens in the search's training split, D of a trial on all of it */
    TrialCosts(CostSpec prices, int vocabSize, int trainingTokens) {
        this.prices = prices;
        this.vocabSize = vocabSize;
        this.trainingTokens = trainingTokens;
    }

    TrialAccounting account(TrialPlan plan, long wallTimeMs, long tokens) {
        long parameters = ModelSize.parameters(plan.hyperparameters(), vocabSize);
        long dataTokens = CorpusSplit.shareLength(trainingTokens, plan.hyperparameters().dataFraction());
        return new TrialAccounting(parameters, dataTokens,
                Spend.ofTrial(prices, parameters, plan.workers(), wallTimeMs, tokens));
    }

    /** The spend an event's accounting records; nothing for an event published before accounting existed. */
    static Spend spend(TrialAccounting a) {
        return a == null ? Spend.NONE : a.spend();
    }
}
