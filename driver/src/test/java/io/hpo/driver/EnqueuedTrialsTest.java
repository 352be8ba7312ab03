package io.hpo.driver;

import io.hpo.events.ControlEvent;
import io.hpo.space.sampler.SearchHistory;
import io.hpo.space.spec.SearchSpec;
import io.hpo.space.spec.SpecLoader;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The driver's queue of enqueued configurations: the spec's entries first and in order, then requests as they
 * arrive; none launched twice (after a resume, or when Kafka redelivers a request); one the spec refuses is skipped
 * with a warning, not launched; those still waiting when the search ends are listed.
 */
class EnqueuedTrialsTest {
    private static final SearchSpec SPEC = SpecLoader.parse("""
            name: q
            space:
              learning_rate: {log_uniform: [1.0e-4, 1.0e-2]}
              width: {choice: [32, 64]}
            enqueue:
              - {learning_rate: 0.001}
              - {width: 32}
              - {width: 64}
            """, "q.yaml");

    @Test
    void theSpecsEntriesComeFirstThenRequestsEachOnce() {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        EnqueuedTrials queue = new EnqueuedTrials(SPEC, Set.of("spec-2"),
                new PrintStream(log, true, StandardCharsets.UTF_8));
        ControlEvent request = ControlEvent.enqueueTrial("s", Map.of("learning_rate", 0.005, "width", 32), "api");
        queue.request(request);
        ControlEvent refused = ControlEvent.enqueueTrial("s", Map.of("width", 48), "api");
        queue.request(refused);
        queue.request(request);

        assertEquals(Optional.of("spec-1 {learning_rate=0.001}, spec-3 {width=64}, " + request.eventId() + " "
                + request.config() + ", " + refused.eventId() + " {width=48}"), queue.notLaunched());
        EnqueuedTrials.Trial first = queue.next(0, SearchHistory.empty()).orElseThrow();
        assertEquals("spec-1", first.requestId());
        assertEquals(0.001, first.config().learningRate());
        assertEquals("spec-3", queue.next(1, SearchHistory.empty()).orElseThrow().requestId(),
                "spec-2 was launched before the resume");
        EnqueuedTrials.Trial third = queue.next(2, SearchHistory.empty()).orElseThrow();
        assertEquals(request.eventId(), third.requestId());
        assertEquals(0.005, third.config().learningRate());
        assertEquals(32, third.config().width());
        assertEquals(Optional.empty(), queue.next(3, SearchHistory.empty()), "the refused request and the copy");
        assertEquals(Optional.empty(), queue.notLaunched());
        assertTrue(log.toString().contains("warning: skipped enqueued configuration"), log.toString());
        assertTrue(log.toString().contains("width must be one of this search's choices [32, 64], got 48"),
                log.toString());

        queue.request(request);
        assertEquals(Optional.empty(), queue.next(3, SearchHistory.empty()), "a launched request is not run again");
    }
}
