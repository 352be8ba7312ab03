package io.hpo.driver;

import io.hpo.events.ControlEvent;
import io.hpo.space.Hyperparameters;
import io.hpo.space.sampler.EnqueuedFill;
import io.hpo.space.sampler.SearchHistory;
import io.hpo.space.spec.EnqueuedConfigs;
import io.hpo.space.spec.SearchSpec;

import java.io.PrintStream;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The configurations a search launches before asking its sampler: the spec's {@code enqueue:} entries in order
 * (requests {@code spec-1}, {@code spec-2}, ...), then those enqueued while it runs, in the order the control topic
 * holds them (each request named by its event id). A request is launched once: one launched in this run, or before a
 * resume (its trial's TRIAL_CREATED names it), is not launched again, and a redelivered request is dropped. Each is
 * checked again against the spec when its turn comes, since another program published it: one the spec refuses is
 * skipped with a warning. Thread-safe: the control listener adds requests while the launch loop takes them.
 */
final class EnqueuedTrials {
    private final SearchSpec spec;
    private final PrintStream out;
    private final Set<String> seen;
    private final Deque<Request> waiting = new ArrayDeque<>();

    /** An enqueued configuration given to a trial: the request's id and the trial's hyperparameters. */
    record Trial(String requestId, Hyperparameters config) {
    }

    private record Request(String id, Map<String, ?> config, String requestedBy) {
    }

    /** @param launchedBefore the requests whose trials a resumed search launched before */
    EnqueuedTrials(SearchSpec spec, Set<String> launchedBefore, PrintStream out) {
        this.spec = spec;
        this.out = out;
        this.seen = new HashSet<>(launchedBefore);
        for (int i = 0; i < spec.enqueue().size(); i++) {
            add(new Request(specRequestId(i), spec.enqueue().get(i), "the spec"));
        }
    }

    /** The request id of the spec's {@code index}-th (0-based) enqueue entry. */
    static String specRequestId(int index) {
        return "spec-" + (index + 1);
    }

    /** Queues an ENQUEUE_TRIAL request read from the control topic. */
    void request(ControlEvent e) {
        add(new Request(e.eventId(), e.config(), e.requestedBy() == null ? "a request" : e.requestedBy()));
    }

    private synchronized void add(Request r) {
        if (seen.add(r.id())) {
            waiting.add(r);
            out.println("enqueued " + r.id() + " by " + r.requestedBy() + ": " + r.config());
        }
    }

    /** The requests still waiting, as the log names them; empty when none is. */
    synchronized Optional<String> notLaunched() {
        return waiting.isEmpty() ? Optional.empty() : Optional.of(waiting.stream()
                .map(r -> r.id() + " " + r.config()).collect(Collectors.joining(", ")));
    }

    /**
     * The next enqueued configuration, completed as the search's {@code index}-th trial; empty when none waits.
     * The request counts as launched from here on.
     */
    synchronized Optional<Trial> next(int index, SearchHistory history) {
        Request r;
        while ((r = waiting.poll()) != null) {
            try {
                Map<String, Object> given = EnqueuedConfigs.check(r.config(), spec);
                return Optional.of(new Trial(r.id(), EnqueuedFill.complete(spec, given, index, history)));
            } catch (IllegalArgumentException | IllegalStateException e) {
                out.println("warning: skipped enqueued configuration " + r.id() + " " + r.config() + ": "
                        + e.getMessage());
            }
        }
        return Optional.empty();
    }
}
