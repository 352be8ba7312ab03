package io.hpo.worker.bench;

import io.hpo.space.spec.PrunerType;
import io.hpo.space.spec.SearchSpec;
import io.hpo.space.spec.SpecDefaults;
import io.hpo.space.spec.SpecLoader;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The benchmark measures the spec's defaults: each pruner row gets its own pruner's reduction factor. */
class BenchmarkSettingsTest {

    @Test
    void eachPrunerRowTakesItsOwnDefaultReductionFactor() {
        BenchmarkSettings settings = BenchmarkSettings.fromSystemProperties();

        SearchSpec asha = SpecLoader.parse(settings.spec(1, new StrategyBenchmark.Strategy("tpe", "asha", false)),
                "asha");
        SearchSpec hyperband = SpecLoader.parse(
                settings.spec(1, new StrategyBenchmark.Strategy("tpe", "hyperband", false)), "hyperband");

        assertEquals(PrunerType.ASHA, asha.pruner().type());
        assertEquals(SpecDefaults.ASHA_REDUCTION_FACTOR, asha.pruner().reductionFactor());
        assertEquals(PrunerType.HYPERBAND, hyperband.pruner().type());
        assertEquals(SpecDefaults.HYPERBAND_REDUCTION_FACTOR, hyperband.pruner().reductionFactor());
        assertEquals(2 * settings.maxWarmup(), asha.pruner().minSteps(), "the first rung at twice the longest warm-up");
    }
}
