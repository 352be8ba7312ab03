package io.hpo.driver.history;

import io.hpo.events.LifecycleEvent;
import io.hpo.events.LifecycleType;
import io.hpo.events.TrialEvaluation;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * A search as its lifecycle events recorded it: what a resumed driver goes on from. Built from events in any
 * order and with duplicates, as Kafka may deliver them.
 *
 * @param specYaml    the canonical spec from SEARCH_STARTED; null when the search was never recorded
 * @param finalStatus the status SEARCH_FINISHED recorded; null while the search has not finished
 * @param trials      in creation order
 */
public record RecordedSearch(String searchId, String specYaml, String finalStatus, List<RecordedTrial> trials) {

    /** A search with nothing recorded: a new one. */
    public static RecordedSearch none(String searchId) {
        return new RecordedSearch(searchId, null, null, List.of());
    }

    public boolean exists() {
        return specYaml != null;
    }

    public boolean finished() {
        return finalStatus != null;
    }

    public List<RecordedTrial> finishedTrials() {
        return trials.stream().filter(RecordedTrial::finished).toList();
    }

    public List<RecordedTrial> unfinishedTrials() {
        return trials.stream().filter(t -> !t.finished()).toList();
    }

    /** The ids of the enqueue requests whose trials were launched. */
    public Set<String> launchedRequests() {
        return trials.stream().map(RecordedTrial::enqueuedBy).filter(Objects::nonNull).collect(Collectors.toSet());
    }

    /** The search {@code searchId} as recorded by {@code events} (events of other searches are ignored). */
    public static RecordedSearch of(String searchId, List<LifecycleEvent> events) {
        Map<String, LifecycleEvent> unique = new LinkedHashMap<>();
        events.stream().filter(e -> e.searchId().equals(searchId)).forEach(e -> unique.putIfAbsent(e.eventId(), e));
        String spec = null;
        String status = null;
        Map<String, TrialEvents> byTrial = new TreeMap<>();
        for (LifecycleEvent e : unique.values()) {
            switch (e.type()) {
                case SEARCH_STARTED -> spec = e.submission().specYaml();
                case SEARCH_FINISHED -> status = e.reason();
                default -> byTrial.computeIfAbsent(e.trialId(), id -> new TrialEvents()).add(e);
            }
        }
        List<RecordedTrial> trials = new ArrayList<>();
        byTrial.forEach((id, te) -> trials.add(te.toTrial(searchId, id)));
        trials.sort(Comparator.comparingLong((RecordedTrial t) -> byTrial.get(t.trialId()).createdAt)
                .thenComparing(RecordedTrial::trialId));
        return new RecordedSearch(searchId, spec, status, List.copyOf(trials));
    }

    private static final class TrialEvents {
        private Map<String, Object> config;
        private String enqueuedBy;
        private long createdAt = Long.MAX_VALUE;
        private int lastAttempt;
        private LifecycleEvent terminal;
        private final List<LifecycleEvent> evaluations = new ArrayList<>();

        void add(LifecycleEvent e) {
            if (e.type() == LifecycleType.TRIAL_CREATED) {
                config = e.config();
                enqueuedBy = e.enqueuedBy();
                createdAt = e.timeMs();
                return;
            }
            lastAttempt = Math.max(lastAttempt, e.attemptOrFirst());
            if (e.type() == LifecycleType.TRIAL_EVALUATED) {
                evaluations.add(e);
            } else if (e.type().isTrialTerminal() && terminal == null) {
                terminal = e;
            }
        }

        RecordedTrial toTrial(String searchId, String trialId) {
            if (config == null) {
                throw new IllegalStateException("search " + searchId + ": trial " + trialId
                        + " has events but no TRIAL_CREATED with its config on the lifecycle topic");
            }
            List<RecordedTrial.Evaluation> latest = evaluations.stream()
                    .filter(e -> e.attemptOrFirst() == lastAttempt)
                    .map(LifecycleEvent::evaluation)
                    .sorted(Comparator.comparingLong(TrialEvaluation::step))
                    .map(e -> new RecordedTrial.Evaluation(e.step(), e.validationLoss(), e.tokensSeen()))
                    .toList();
            return new RecordedTrial(trialId, config, enqueuedBy, lastAttempt, terminal, latest);
        }
    }
}
