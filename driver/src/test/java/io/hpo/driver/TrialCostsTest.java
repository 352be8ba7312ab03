package io.hpo.driver;

import io.hpo.events.TrialAccounting;
import io.hpo.space.Hyperparameter;
import io.hpo.space.Hyperparameters;
import io.hpo.space.ModelSize;
import io.hpo.space.cost.CostSpec;
import io.hpo.space.cost.Spend;
import io.hpo.worker.trial.TrialPlan;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class TrialCostsTest {

    @Test
    void aTrialsAccountingUsesItsModelsSizeItsWorkersAndTheSearchsData() {
        Hyperparameters hp = Hyperparameters.defaults();
        TrialPlan plan = new TrialPlan("s", "t", 1, hp, 100, 3, 5, 50, 2, 1);
        TrialAccounting a = new TrialCosts(new CostSpec(200, 300, 0.9), 31, 150_000).account(plan, 40_000, 96_000);

        long n = ModelSize.parameters(hp, 31);
        assertEquals(n, a.parameters());
        assertEquals(150_000, a.trainingTokens());
        assertEquals(120, a.spend().executorSeconds(), 1e-12);
        assertEquals(96_000, a.spend().tokens());
        assertEquals(6.0 * n * 96_000, a.spend().flops(), 1e-3);
        assertEquals(200 * 120 / 3.6e6, a.spend().energyKwh(), 1e-15);
        assertEquals(a.spend().energyKwh() * 0.3, a.spend().co2Kg(), 1e-15);
        assertEquals(0.9 * 120 / 3600, a.spend().cost(), 1e-15);
        assertEquals(a.spend(), TrialCosts.spend(a));
        assertEquals(Spend.NONE, TrialCosts.spend(null), "an event from before accounting spent nothing known");
    }

    @Test
    void aTrialOnAShareOfTheDataCountsThatShareAsItsD() {
        Hyperparameters hp = Hyperparameters.defaults().with(Hyperparameter.DATA_FRACTION, 0.001);
        TrialPlan plan = new TrialPlan("s", "t", 1, hp, 100, 3, 5, 50, 2, 1);
        TrialAccounting a = new TrialCosts(new CostSpec(200, 300, 0.9), 31, 150_001).account(plan, 40_000, 96_000);

        assertEquals(151, a.trainingTokens(), "0.1% of 150,001 tokens, rounded up");
        assertEquals(96_000, a.spend().tokens(), "the tokens processed do not depend on the share");
    }
}
