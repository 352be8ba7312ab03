package io.hpo.driver.history;

import io.hpo.events.LifecycleEvent;
import io.hpo.events.LifecycleType;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RecordedSearchTest {

    @Test
    void rebuildsTrialsFromEventsInAnyOrderWithDuplicatesAndOtherSearches() {
        List<LifecycleEvent> events = new ArrayList<>(List.of(
                LifecycleEvent.searchStarted("s", "demo", "name: demo\n"),
                LifecycleEvent.trialCreated("s", "trial-000", Map.of("width", 32)),
                LifecycleEvent.trialStarted("s", "trial-000", 1, null),
                LifecycleEvent.trialEvaluated("s", "trial-000", 1, 10, 2.5, 100),
                LifecycleEvent.trialEvaluated("s", "trial-000", 1, 20, 2.1, 200),
                LifecycleEvent.trialEnded("s", "trial-000", 1, LifecycleType.TRIAL_COMPLETED, 20, 200, null),
                LifecycleEvent.trialCreated("s", "trial-001", Map.of("width", 64)),
                LifecycleEvent.trialStarted("s", "trial-001", 1, null),
                LifecycleEvent.trialEvaluated("s", "trial-001", 1, 10, 2.0, 100),
                LifecycleEvent.trialStarted("s", "trial-001", 2, "executor lost"),
                LifecycleEvent.trialEvaluated("s", "trial-001", 2, 10, 2.05, 100),
                LifecycleEvent.trialCreated("s", "trial-002", Map.of("width", 48), "spec-1"),
                LifecycleEvent.trialCreated("other", "trial-000", Map.of("width", 16)),
                LifecycleEvent.searchFinished("other", "COMPLETED")));
        events.addAll(List.copyOf(events));
        Collections.shuffle(events, new Random(5));

        RecordedSearch s = RecordedSearch.of("s", events);
        assertTrue(s.exists());
        assertFalse(s.finished());
        assertEquals(List.of("trial-000", "trial-001", "trial-002"),
                s.trials().stream().map(RecordedTrial::trialId).toList());
        RecordedTrial done = s.trials().get(0);
        assertTrue(done.finished());
        assertEquals(2.1, done.bestValidationLoss());
        RecordedTrial retried = s.trials().get(1);
        assertEquals(2, retried.lastAttempt());
        assertEquals(List.of(new RecordedTrial.Evaluation(10, 2.05, 100)), retried.evaluations(),
                "only the latest attempt's evaluations");
        assertEquals(0, s.trials().get(2).lastAttempt(), "created, never started");
        assertEquals(List.of("trial-001", "trial-002"),
                s.unfinishedTrials().stream().map(RecordedTrial::trialId).toList());
        assertEquals(Set.of("spec-1"), s.launchedRequests(), "an enqueued trial names its request, a sampled one none");
        assertEquals("COMPLETED", RecordedSearch.of("other", events).finalStatus());
    }

    @Test
    void anUnknownSearchDoesNotExistAndATrialWithoutItsConfigIsAnError() {
        assertFalse(RecordedSearch.of("nope", List.of(LifecycleEvent.searchStarted("s", "x", "y"))).exists());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> RecordedSearch.of("s",
                List.of(LifecycleEvent.trialStarted("s", "trial-007", 1, null))));
        assertTrue(e.getMessage().contains("trial-007"), e.getMessage());
        assertNull(RecordedSearch.none("s").specYaml());
    }
}
