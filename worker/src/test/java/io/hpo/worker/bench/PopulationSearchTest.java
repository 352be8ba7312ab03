package io.hpo.worker.bench;

import io.hpo.space.Hyperparameters;
import io.hpo.space.sampler.FinishedTrial;
import io.hpo.space.sampler.RandomSampler;
import io.hpo.space.sampler.SamplingSpace;
import io.hpo.space.sampler.SearchHistory;
import io.hpo.space.spec.SearchSpec;
import io.hpo.space.spec.SpecLoader;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The strategy benchmark's pbt row on the real transformer: a member that takes over a donor goes on from the donor's
 * model exactly, and a small population spends the budget as the driver's would, members evaluated at every
 * eval_every step and at each exploit boundary.
 */
class PopulationSearchTest {

    private static final BenchmarkSettings SETTINGS = new BenchmarkSettings(1, 1, 80, 20, 5, 2, 300, "[16]", 1, 16,
            2, 0.25, 24, 0, 10, 2, 2, 1, "pbt", "", "");
    private static final StrategyBenchmark.Strategy PBT = new StrategyBenchmark.Strategy("pbt", "none", false);

    @Test
    void aMemberThatTakesOverGoesOnFromTheDonorsModel() {
        SearchSpec spec = SpecLoader.parse(SETTINGS.spec(3, PBT), "pbt");
        TrialTraining.Factory trials = TransformerTraining.on(spec, split(spec));
        List<Hyperparameters> drawn = initialMembers(spec, 2);
        TrialTraining donor = trials.start(drawn.get(0), 0);
        TrialTraining member = trials.start(drawn.get(1), 1);
        for (int i = 0; i < 6; i++) {
            donor.step();
            member.step();
        }
        assertNotEquals(donor.validationLoss(), member.validationLoss());

        member.takeOver(donor, drawn.get(1));

        // evaluation has no dropout: the same weights give the same loss to the last bit
        assertEquals(donor.validationLoss(), member.validationLoss());
        assertEquals(donor.testLoss(), member.testLoss());
    }

    @Test
    void thePopulationSpendsTheBudgetEvaluatedAtEveryBoundary() {
        SearchSpec spec = SpecLoader.parse(SETTINGS.spec(3, PBT), "pbt");
        assertEquals(4, spec.strategy().pbt().population());
        assertEquals(10, spec.strategy().pbt().exploitEvery());

        SearchCurve curve = new PopulationSearch(spec, TransformerTraining.on(spec, split(spec)),
                SETTINGS.budgetSteps()).run(new TrialLog(null, 3, "pbt", SETTINGS.ashaMinSteps()));

        assertEquals(4, curve.trials());
        for (FinishedTrial t : curve.history()) {
            assertEquals(20, t.steps(), t.toString());
            assertEquals(List.of(5L, 10L, 15L, 20L), List.copyOf(t.evaluations().keySet()), t.toString());
        }
        // one exploit point (step 10) and k = max(1, floor(4 x 0.25)) = 1: one member ends with a donor's explored
        // configuration, which keeps the donor's batch size, width and schedule
        List<Hyperparameters> drawn = initialMembers(spec, 4);
        List<Integer> exploited = IntStream.range(0, 4)
                .filter(i -> !curve.history().get(i).config().equals(drawn.get(i))).boxed().toList();
        assertEquals(1, exploited.size(), "members whose configuration changed: " + exploited);
        Hyperparameters after = curve.history().get(exploited.get(0)).config();
        assertTrue(drawn.stream().anyMatch(d -> d != drawn.get(exploited.get(0))
                        && d.batchSize() == after.batchSize() && d.toMap().get("width").equals(after.toMap().get("width"))
                        && d.toMap().get("schedule").equals(after.toMap().get("schedule"))),
                after + " is no explored copy of another member among " + drawn);
        assertTrue(Double.isFinite(curve.testOfBest()) && curve.testOfBest() > 0, "test loss " + curve.testOfBest());
    }

    /** The population as the search draws it: the spec's random sampler, each draw told of those before. */
    private static List<Hyperparameters> initialMembers(SearchSpec spec, int population) {
        RandomSampler sampler = new RandomSampler(SamplingSpace.of(spec));
        List<Hyperparameters> drawn = new ArrayList<>();
        for (int i = 0; i < population; i++) {
            drawn.add(sampler.suggest(new SearchHistory(List.of(), drawn)).orElseThrow());
        }
        return drawn;
    }

    private static ThreeWaySplit split(SearchSpec spec) {
        return ThreeWaySplit.demo(SETTINGS.sentences(), spec.data().validationFraction(), 3);
    }
}
