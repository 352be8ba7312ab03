package io.hpo.driver;

import io.hpo.worker.trial.TrialOutcome;
import io.hpo.worker.trial.TrialResult;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProgressReporterTest {

    @Test
    void showsCountsBestLossThroughputAndFailures() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        ProgressReporter p = new ProgressReporter(new PrintStream(buf, true, StandardCharsets.UTF_8), "s", 4);
        p.trialStarted("t0", 1, "{}");
        p.trialStarted("t1", 2, "{}");
        p.evaluated("t0", 50, 100, 2.5);
        p.evaluated("t1", 50, 100, 1.25);
        p.trialEnded("t0", new TrialResult(TrialOutcome.COMPLETED, 100, 20_000, 2.0, 100, 20_000, null, 10_000));
        p.trialEnded("t1", new TrialResult(TrialOutcome.DIVERGED, 60, 12_000, 1.25, 50, 10_000, "loss became NaN", 5_000));

        String line = p.statusLine();
        assertTrue(line.startsWith("2/4 trials done (1 diverged, 0 failed), 0 running"), line);
        assertTrue(line.contains("best val loss 1.2500 (t1)"), line);
        String printed = buf.toString(StandardCharsets.UTF_8);
        assertTrue(printed.contains("t0 COMPLETED, 20000 tokens in 10 s, 2000 tokens/s"), printed);
        assertTrue(printed.contains("t1 DIVERGED, 12000 tokens in 5 s, 2400 tokens/s (loss became NaN)"), printed);
        assertTrue(printed.contains("t0 started: {}") && printed.contains("t1 started (attempt 2): {}"), printed);
    }

    @Test
    void trialsFinishedBeforeAResumeCountAsDoneButNotInThePace() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        ProgressReporter p = new ProgressReporter(new PrintStream(buf, true, StandardCharsets.UTF_8), "s", 4);
        p.recorded("t0", new TrialResult(TrialOutcome.COMPLETED, 100, 20_000, 1.5, 100, 20_000, null, 0));
        p.trialStarted("t1", 2, "{}");
        p.retrying("t1", 3, "executor lost");

        String line = p.statusLine();
        assertTrue(line.startsWith("1/4 trials done, 0 running"), line);
        assertTrue(line.contains("best val loss 1.5000 (t0)") && line.endsWith("ETA ?"), line);
        assertTrue(buf.toString(StandardCharsets.UTF_8).contains("t1 runs again as attempt 3: executor lost"));
    }

    @Test
    void formatsDurations() {
        assertEquals("0m05s", ProgressReporter.format(5_000));
        assertEquals("2m03s", ProgressReporter.format(123_000));
        assertEquals("1h05m", ProgressReporter.format(3_900_000));
    }
}
