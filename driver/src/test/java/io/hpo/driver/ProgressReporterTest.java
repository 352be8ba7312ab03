package io.hpo.driver;

import io.hpo.events.TrialStatus;
import io.hpo.space.cost.Spend;
import io.hpo.space.cost.SpendMeasure;
import io.hpo.worker.trial.TrainingResult;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProgressReporterTest {

    @Test
    void showsCountsBestLossThroughputAndFailures() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        ProgressReporter p = new ProgressReporter(new PrintStream(buf, true, StandardCharsets.UTF_8), "s", 4,
                Map.of());
        p.trialStarted("t0", 1, "{}");
        p.trialStarted("t1", 2, "{}");
        p.evaluated("t0", 50, 100, 2.5);
        p.evaluated("t1", 50, 100, 1.25);
        p.trialEnded("t0", new TrainingResult(TrialStatus.COMPLETED, 100, 20_000, 2.0, 100, 20_000, null, 10_000),
                new Spend(36, 20_000, 1e9, 0.001, 0.0005, 0.001));
        p.trialEnded("t1", new TrainingResult(TrialStatus.DIVERGED, 60, 12_000, 1.25, 50, 10_000, "loss became NaN",
                        5_000), new Spend(18, 12_000, 1e9, 0.0005, 0.0002, 0.0005));

        String line = p.statusLine();
        assertTrue(line.startsWith("2/4 trials done (1 diverged, 0 failed), 0 running"), line);
        assertTrue(line.contains("best val loss 1.2500 (t1)"), line);
        // no spend budgets: energy and executor time
        assertTrue(line.endsWith("| spent 0.001500 kWh, 0.01500 executor-h"), line);
        String printed = buf.toString(StandardCharsets.UTF_8);
        assertTrue(printed.contains("t0 COMPLETED, 20000 tokens in 10 s, 2000 tokens/s"), printed);
        assertTrue(printed.contains("t1 DIVERGED, 12000 tokens in 5 s, 2400 tokens/s (loss became NaN)"), printed);
        assertTrue(printed.contains("t0 started: {}") && printed.contains("t1 started (attempt 2): {}"), printed);
    }

    @Test
    void trialsFinishedBeforeAResumeCountAsDoneButNotInThePace() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        ProgressReporter p = new ProgressReporter(new PrintStream(buf, true, StandardCharsets.UTF_8), "s", 4,
                Map.of(SpendMeasure.TOKENS, 50_000.0, SpendMeasure.ENERGY_KWH, 0.5));
        p.recorded("t0", new TrainingResult(TrialStatus.COMPLETED, 100, 20_000, 1.5, 100, 20_000, null, 0),
                new Spend(100, 20_000, 1e9, 0.01, 0.005, 0.1));
        p.trialStarted("t1", 2, "{}");
        p.retrying("t1", 3, "executor lost");

        String line = p.statusLine();
        assertTrue(line.startsWith("1/4 trials done, 0 running"), line);
        assertTrue(line.contains("best val loss 1.5000 (t0)") && line.contains("ETA ?"), line);
        assertTrue(line.endsWith("| spent 20000 tokens of 50000 tokens, 0.01000 kWh of 0.5000 kWh"), line);
        assertTrue(buf.toString(StandardCharsets.UTF_8).contains("t1 runs again as attempt 3: executor lost"));
        p.budgetExhausted("max_tokens 50000 tokens reached: 50000 tokens spent");
        assertTrue(buf.toString(StandardCharsets.UTF_8).contains(
                "spend budget exhausted, no new trials: max_tokens 50000 tokens reached"));
    }

    @Test
    void formatsDurations() {
        assertEquals("0m05s", ProgressReporter.format(5_000));
        assertEquals("2m03s", ProgressReporter.format(123_000));
        assertEquals("1h05m", ProgressReporter.format(3_900_000));
    }
}
