package io.hpo.aggregator.scaling;

import io.hpo.aggregator.store.StoredTrial;
import io.hpo.aggregator.support.Events;
import io.hpo.aggregator.support.ScalingSearch;
import io.hpo.space.Hyperparameters;
import io.hpo.space.ModelSize;
import io.hpo.space.cost.Spend;
import io.hpo.space.spec.SearchSpec;
import io.hpo.space.spec.SpecLoader;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ScaledRunTest {

    private static final SearchSpec SPEC = SpecLoader.parse(Events.SPEC_YAML, "tiny.yaml");

    /** The 30 trials of {@link ScalingSearch}, t7 (width 64) trained with the lowest loss at its size. */
    private static List<StoredTrial> trials() {
        List<StoredTrial> trials = new ArrayList<>();
        int i = 0;
        for (int width : ScalingSearch.WIDTHS) {
            for (double fraction : ScalingSearch.FRACTIONS) {
                Hyperparameters hp = ScalingSearch.config(width, fraction, 1e-3 * (1 + i));
                long n = ModelSize.parameters(hp, ScalingSearch.VOCABULARY);
                long d = (long) Math.ceil(ScalingSearch.TRAINING_TOKENS * fraction);
                double loss = ScalingSearch.law(n, d) * (i == 7 ? 0.5 : 1);
                trials.add(new StoredTrial(0, "t" + i, "COMPLETED", hp.toMap(), loss, 10L, 100L, 10L, 100L, null,
                        null, null, null, null, 1, n, d, new Spend(30, 10_240, 6.0 * n * 10_240, 0, 0, 0), null));
                i++;
            }
        }
        return trials;
    }

    private static ScalingReport.Recommendation target(double parameters, double tokens) {
        ScalingReport.Interval any = new ScalingReport.Interval(1, 2);
        return new ScalingReport.Recommendation(6 * parameters * tokens, parameters, any, tokens, any, 1.5, any,
                ComputeBudget.flops(6 * parameters * tokens));
    }

    @Test
    void scalesTheBestTrialAtTheNearestSizeToTheTargetAndTrainsOnceOverD() {
        long n64 = ModelSize.parameters(ScalingSearch.config(64, 1, 1e-3), ScalingSearch.VOCABULARY);
        ScaledRun.Plan plan = ScaledRun.plan(SPEC, trials(), target(n64 * 1.1, 2_000_000));

        assertEquals("t7", plan.baseTrialId(), "the best trial among those of the nearest size");
        assertEquals(0, plan.width() % 4, "a multiple of the heads");
        assertTrue(Math.abs(Math.log((double) plan.parameters() / (n64 * 1.1))) < 0.2, plan.toString());
        assertEquals(0.2, plan.dataFraction(), 1e-12, "2M of the 10M training tokens");
        assertEquals((int) Math.ceil(2_000_000 / (16.0 * 64)), plan.steps(), "one pass at batch 16 × 64 tokens");
        assertTrue(plan.notes().isEmpty(), plan.notes().toString());

        SearchSpec written = SpecLoader.parse(plan.specYaml(), "scaled.yaml");
        assertEquals("tiny-scaled", written.name());
        assertEquals(1, written.budget().maxTrials());
        assertEquals(plan.steps(), written.budget().maxStepsPerTrial());
        Hyperparameters base = Hyperparameters.fromMap(trials().get(7).config());
        assertEquals(String.valueOf(base.learningRate()), value(plan.specYaml(), "learning_rate"),
                "the learning rate of the base trial");
        assertEquals(String.valueOf(plan.width()), value(plan.specYaml(), "width"));
        assertEquals(String.valueOf(plan.dataFraction()), value(plan.specYaml(), "data_fraction"));
    }

    @Test
    void sizesABiggerModelAtTheBaseDepthToWidthRatio() {
        Hyperparameters base = ScalingSearch.config(64, 1, 1e-3);
        double target = 50 * ModelSize.parameters(base, ScalingSearch.VOCABULARY);
        Hyperparameters sized = ScaledRun.sized(base, ScalingSearch.VOCABULARY, target);

        assertTrue(sized.width() > 64, sized.toString());
        assertEquals(Math.max(1, Math.round(2.0 / 64 * sized.width())), sized.layers(), "layers/width kept");
        assertTrue(Math.abs(Math.log(ModelSize.parameters(sized, ScalingSearch.VOCABULARY) / target)) < 0.1);
    }

    @Test
    void saysWhenTheRunNeedsMoreDataThanTheSearchHad() {
        ScaledRun.Plan plan = ScaledRun.plan(SPEC, trials(), target(100_000, 30_000_000));

        assertEquals(1.0, plan.dataFraction());
        assertTrue(plan.notes().get(0).startsWith("D = 30,000,000 tokens is 3.0 times the search's 10,000,000"),
                plan.notes().toString());
        assertTrue(plan.specYaml().contains("# note: D = 30,000,000 tokens"), plan.specYaml());
    }

    private static String value(String yaml, String key) {
        return yaml.lines().filter(l -> l.startsWith("  " + key + ": ")).findFirst().orElseThrow()
                .substring(key.length() + 4);
    }
}
