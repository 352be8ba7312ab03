package io.hpo.space.cost;

import io.hpo.space.spec.BudgetSpec;
import io.hpo.space.spec.SearchSpec;
import io.hpo.space.spec.SpecDefaults;
import io.hpo.space.spec.SpecLoader;
import io.hpo.space.spec.SpecWriter;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SpendTest {

    @Test
    void aTrialsSpendFollowsFromItsTimeWorkersTokensAndPrices() {
        // 2 workers for 90 s at 250 W, 400 gCO2/kWh, 1.20 per worker-hour; 100,000 parameters, 61,440 tokens
        Spend s = Spend.ofTrial(new CostSpec(250, 400, 1.20), 100_000, 2, 90_000, 61_440);

        assertEquals(180, s.executorSeconds(), 1e-12);
        assertEquals(61_440, s.tokens());
        assertEquals(6.0 * 100_000 * 61_440, s.flops(), 1e-3);
        assertEquals(250 * 180 / 3.6e6, s.energyKwh(), 1e-15);
        assertEquals(0.0125 * 0.4, s.co2Kg(), 1e-15);
        assertEquals(1.20 * 180 / 3600, s.cost(), 1e-15);
        assertEquals(0.05, s.get(SpendMeasure.EXECUTOR_HOURS), 1e-15);
        assertEquals(s.energyKwh(), s.get(SpendMeasure.ENERGY_KWH));
    }

    @Test
    void freeCleanPowerCostsNothingButStillCountsTimeAndFlops() {
        Spend s = Spend.ofTrial(new CostSpec(0, 0, 0), 10, 1, 1000, 5);

        assertEquals(1, s.executorSeconds());
        assertEquals(300, s.flops());
        assertEquals(0, s.energyKwh());
        assertEquals(0, s.co2Kg());
        assertEquals(0, s.cost());
        assertThrows(IllegalArgumentException.class, () -> Spend.ofTrial(SpecDefaults.COST, 1, 0, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new CostSpec(Double.NaN, 1, 1));
    }

    @Test
    void spendsAddUp() {
        Spend a = new Spend(1, 2, 3, 4, 5, 6);
        assertEquals(new Spend(2, 4, 6, 8, 10, 12), a.plus(a));
        assertEquals(a, Spend.NONE.plus(a));
    }

    @Test
    void aBudgetIsExhaustedOnceTheSpendReachesOneOfItsLimits() {
        BudgetSpec budget = new BudgetSpec(10, 1, 100, Duration.ofHours(1),
                Map.of(SpendMeasure.TOKENS, 50_000.0, SpendMeasure.ENERGY_KWH, 0.5));

        assertEquals(Optional.empty(), budget.spendExhausted(Spend.NONE));
        assertEquals(Optional.empty(), budget.spendExhausted(new Spend(1e6, 49_999, 1e20, 0.49, 9, 9)));
        assertEquals(Optional.of("max_tokens 50000 tokens reached: 50000 tokens spent"),
                budget.spendExhausted(new Spend(0, 50_000, 0, 0, 0, 0)));
        assertEquals(Optional.of("max_energy_kwh 0.5000 kWh reached: 0.7000 kWh spent"),
                budget.spendExhausted(new Spend(0, 10, 0, 0.7, 0, 0)));
        // every measure past its limit: the first in SpendMeasure order is named
        assertTrue(budget.spendExhausted(new Spend(0, 60_000, 0, 0.7, 0, 0)).orElseThrow().startsWith("max_tokens"));
        assertFalse(new BudgetSpec(1, 1, 1, Duration.ofMinutes(1)).spendExhausted(new Spend(1e9, 1L << 60, 1e30,
                1e9, 1e9, 1e9)).isPresent(), "no limits, never exhausted");
        assertThrows(IllegalArgumentException.class, () -> new BudgetSpec(1, 1, 1, Duration.ofMinutes(1),
                Map.of(SpendMeasure.COST, 0.0)));
    }

    @Test
    void theSpecReadsPricesAndSpendBudgetsAndWritesThemBack() {
        SearchSpec spec = SpecLoader.parse("""
                name: priced
                budget: {max_trials: 4, max_executor_hours: 1.5, max_tokens: 2e6, max_flops: 1e15,
                         max_energy_kwh: 0.25, max_co2_kg: 0.1, max_cost: 12}
                cost: {device_watts: 300, grid_gco2_per_kwh: 50, price_per_hour: 2.5}
                """, "priced.yaml");

        assertEquals(new CostSpec(300, 50, 2.5), spec.cost());
        assertEquals(Map.of(SpendMeasure.EXECUTOR_HOURS, 1.5, SpendMeasure.TOKENS, 2e6, SpendMeasure.FLOPS, 1e15,
                SpendMeasure.ENERGY_KWH, 0.25, SpendMeasure.CO2_KG, 0.1, SpendMeasure.COST, 12.0),
                spec.budget().spendLimits());
        SearchSpec again = SpecLoader.parseRecorded(SpecWriter.canonical(spec), "recorded");
        assertEquals(spec.cost(), again.cost());
        assertEquals(spec.budget(), again.budget());
    }

    @Test
    void defaultsLeaveSpendUnlimitedAndTheCanonicalSpecWithoutACostSection() {
        SearchSpec spec = SpecLoader.parse("name: plain\n", "plain.yaml");

        assertEquals(SpecDefaults.COST, spec.cost());
        assertTrue(spec.budget().spendLimits().isEmpty());
        // what a search recorded before prices existed must still equal the same spec's canonical form
        assertFalse(SpecWriter.canonical(spec).contains("cost:"), SpecWriter.canonical(spec));
        assertFalse(SpecWriter.canonical(spec).contains("max_tokens"));
    }
}
