package io.hpo.driver;

import io.hpo.aggregator.scaling.ComputeBudget;
import io.hpo.aggregator.scaling.ScaledRun;
import io.hpo.aggregator.scaling.ScalingReport;
import io.hpo.aggregator.store.StoredTrial;
import io.hpo.driver.history.RecordedSearch;
import io.hpo.events.TrialStatus;
import io.hpo.space.Hyperparameter;
import io.hpo.space.spec.SearchSpec;
import io.hpo.space.spec.SpecLoader;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The bigger run's spec, as the scaling endpoints write it, runs: a sized search (widths 8 and 16 on a third and all
 * of the demo data) trains through Spark, Kafka and the store; the spec {@link ScaledRun} writes from its stored
 * trials for a model about twice the largest and 20,480 tokens loads, and trains its one trial through the real driver
 * to COMPLETED at the planned width, depth and steps, every step stored. (Whether a fit of such tiny trials splits a
 * budget is the fit's business, tested apart: the target here is given.)
 */
class ScaledRunEndToEndTest {
    private static final String SIZED = """
            name: sized
            seed: 5
            data: {source: demo, demo_sentences: 400, fraction: {choice: [0.3, 1.0]}}
            strategy: {type: grid}
            budget: {max_trials: 4, max_concurrent_trials: 2, max_steps_per_trial: 10, max_wall_time: 20m}
            training: {workers: 1, eval_every: 10, eval_batches: 2}
            space:
              learning_rate: 3.0e-3
              batch_size: 8
              layers: 1
              width: {choice: [8, 16]}
              heads: 2
              seq_length: 16
            """;

    @Test
    void theSpecWrittenForTheBiggerRunTrainsToItsEnd(@TempDir Path dir) throws Exception {
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(console, true, StandardCharsets.UTF_8);
        try (ResultsStack stack = ResultsStack.start(dir);
             JavaSparkContext sc = new JavaSparkContext(new SparkConf().setMaster("local[2]").setAppName("scaled-run")
                     .set("spark.ui.enabled", "false"));
             DriverMetrics metrics = new DriverMetrics()) {
            SearchSpec sized = SpecLoader.parse(SIZED, "sized.yaml");
            SearchOutcome small = new SearchRunner(sc, stack.bus(), out, metrics, 0).run(sized, "sized",
                    RecordedSearch.none("sized"));
            assertEquals(4, small.trials().size(), console.toString(StandardCharsets.UTF_8));
            stack.awaitStored("sized", 4 * 10);
            List<StoredTrial> stored = stack.store().rankedTrials("sized");
            long largest = stored.stream().mapToLong(StoredTrial::parameters).max().orElseThrow();

            double parameters = 2.0 * largest;
            double tokens = 20_480;
            ScalingReport.Interval any = new ScalingReport.Interval(0, 1);
            ScaledRun.Plan plan = ScaledRun.plan(sized, stored, new ScalingReport.Recommendation(6 * parameters
                    * tokens, parameters, any, tokens, any, 1.0, any, ComputeBudget.flops(6 * parameters * tokens)));
            SearchSpec bigger = SpecLoader.parse(plan.specYaml(), "bigger.yaml");
            assertTrue(plan.width() > 16, plan.toString());
            SearchOutcome run = new SearchRunner(sc, stack.bus(), out, metrics, 0).run(bigger, "bigger",
                    RecordedSearch.none("bigger"));

            String printed = console.toString(StandardCharsets.UTF_8);
            assertEquals(1, run.trials().size(), printed);
            TrialSummary trial = run.trials().get(0);
            assertEquals(TrialStatus.COMPLETED, trial.result().outcome(), printed);
            assertEquals(plan.steps(), trial.result().steps());
            assertEquals(plan.width(), trial.hyperparameters().get(Hyperparameter.WIDTH));
            assertEquals(plan.layers(), trial.hyperparameters().get(Hyperparameter.LAYERS));
            stack.awaitStored("bigger", plan.steps());
            assertEquals(plan.steps(), stack.store().countSteps("bigger"));
        }
    }
}
