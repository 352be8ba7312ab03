package io.hpo.aggregator.store;

import io.hpo.events.StepMetric;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class StepRunTest {

    private static StepMetric step(String search, String trial, int attempt, long step, long tokens) {
        return StepMetric.of(search, trial, attempt, step, 0, tokens, 1e-3, 2.0, 0);
    }

    /** A run ends where the search, the trial or the attempt changes; a trial may come back in a later run. */
    @Test
    void consecutiveStepsOfOneTrialAttemptAreOneRun() {
        List<StepMetric> steps = List.of(step("s", "a", 1, 3, 30), step("s", "a", 1, 1, 10), step("s", "a", 1, 2, 20),
                step("s", "b", 1, 7, 70),
                step("s", "a", 2, 1, 5),
                step("r", "a", 2, 4, 40), step("r", "a", 2, 5, 50),
                step("s", "a", 1, 4, 40));
        assertEquals(List.of(new StepRun(new TrialKey("s", "a"), 1, 0, 3, 1, 3, 30),
                new StepRun(new TrialKey("s", "b"), 1, 3, 4, 7, 7, 70),
                new StepRun(new TrialKey("s", "a"), 2, 4, 5, 1, 1, 5),
                new StepRun(new TrialKey("r", "a"), 2, 5, 7, 4, 5, 50),
                new StepRun(new TrialKey("s", "a"), 1, 7, 8, 4, 4, 40)), StepRun.of(steps));
        assertEquals(List.of(), StepRun.of(List.of()));
    }
}
