package io.hpo.worker.bench;

import io.hpo.space.sampler.FinishedTrial;
import io.hpo.space.spec.SearchSpec;
import io.hpo.space.spec.SpecLoader;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A small BOHB search of the strategy benchmark (TPE with multi_fidelity under Hyperband, 20-step trials of the real
 * transformer, 140 steps in all): the sampler must see every finished trial with its evaluations, pruned ones
 * included, or multi_fidelity has nothing to fit on; and the search's choice gets a test loss.
 */
class InProcessSearchTest {

    @Test
    void theSamplerSeesEveryTrialsEvaluations() {
        BenchmarkSettings settings = new BenchmarkSettings(1, 1, 140, 20, 10, 2, 300, "[16]", 1, 16, 2, 0.25, 24, 0,
                10, 2, 2, 1, "bohb", "", "");
        SearchSpec spec = SpecLoader.parse(settings.spec(3, new StrategyBenchmark.Strategy("tpe", "hyperband", true)),
                "bohb");
        ThreeWaySplit data = ThreeWaySplit.demo(settings.sentences(), spec.data().validationFraction(), 3);
        SearchCurve curve = new InProcessSearch(spec, TransformerTraining.on(spec, data), settings.budgetSteps())
                .run(new TrialLog(null, 3, "bohb", settings.ashaMinSteps()));

        assertTrue(curve.pruned() > 0, curve.trials() + " trials, none pruned");
        for (FinishedTrial t : curve.history()) {
            List<Long> evaluated = LongStream.rangeClosed(1, t.steps() / 10).map(k -> 10 * k).boxed().toList();
            assertEquals(evaluated, List.copyOf(t.evaluations().keySet()), t.toString());
            assertEquals(t.loss(), t.evaluations().values().stream().mapToDouble(Double::doubleValue).min()
                    .orElseThrow(), t.toString());
        }
        assertTrue(Double.isFinite(curve.testOfBest()) && curve.testOfBest() > 0, "test loss " + curve.testOfBest());
    }
}
