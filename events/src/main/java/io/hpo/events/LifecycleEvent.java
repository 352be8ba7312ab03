package io.hpo.events;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.Map;
import java.util.Objects;

/**
 * A search or trial lifecycle event, published by the driver to {@link BusConfig#LIFECYCLE_TOPIC}.
 * Fields that do not apply to a type are null and left out of the JSON.
 *
 * @param eventId        deterministic id (same event, same id) so redelivery and re-publication are idempotent
 * @param trialId        null for search events
 * @param attempt        TRIAL_STARTED, TRIAL_EVALUATED and terminal trial events: which run of the trial (1 = first;
 *                       a trial re-run after a lost executor or a crashed driver counts up); null means 1
 * @param searchName     SEARCH_STARTED: the spec's name
 * @param specYaml       SEARCH_STARTED: the full spec as submitted
 * @param config         TRIAL_CREATED: the trial's hyperparameters (snake_case keys, as in the spec)
 * @param step           TRIAL_EVALUATED and terminal trial events: global step reached
 * @param validationLoss TRIAL_EVALUATED: mean per-token cross-entropy on the validation split, nats
 * @param tokensSeen     TRIAL_EVALUATED and terminal trial events: training tokens consumed so far
 * @param reason         TRIAL_DIVERGED / TRIAL_FAILED / TRIAL_PRUNED: why; TRIAL_STARTED of a later attempt: why the
 *                       trial runs again; SEARCH_FINISHED: the search's final status
 * @param rung           TRIAL_PRUNED by successive halving: the rung (0 = lowest) where the trial stopped
 * @param accounting     terminal trial events: the trial's size, data size and spend; null in events published
 *                       before the driver measured them
 * @param checkpoint     TRIAL_COMPLETED: where the trained model was saved; null when it was not
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LifecycleEvent(int schemaVersion, String eventId, String searchId, String trialId, Integer attempt,
                             LifecycleType type,
                             long timeMs, String searchName, String specYaml, Map<String, Object> config,
                             Long step, Double validationLoss, Long tokensSeen, String reason, Integer rung,
                             TrialAccounting accounting, String checkpoint) {

    public LifecycleEvent {
        Objects.requireNonNull(searchId, "searchId");
        Objects.requireNonNull(type, "type");
        if (!type.isSearchEvent()) {
            Objects.requireNonNull(trialId, "trialId of a " + type + " event");
        }
    }

    public static LifecycleEvent searchStarted(String searchId, String name, String specYaml) {
        return new LifecycleEvent(EventCodec.SCHEMA_VERSION, searchId + "/started", searchId, null,
                null, LifecycleType.SEARCH_STARTED, System.currentTimeMillis(), name, specYaml, null, null, null, null, null,
                null, null, null);
    }

    public static LifecycleEvent searchFinished(String searchId, String status) {
        return new LifecycleEvent(EventCodec.SCHEMA_VERSION, searchId + "/finished", searchId, null,
                null, LifecycleType.SEARCH_FINISHED, System.currentTimeMillis(), null, null, null, null, null, null, status,
                null, null, null);
    }

    public static LifecycleEvent trialCreated(String searchId, String trialId, Map<String, Object> config) {
        return trial(searchId, trialId, null, LifecycleType.TRIAL_CREATED, config, null, null, null, null, null, null);
    }

    /** {@code reason}: null for a first attempt; for a later one, why the trial runs again. */
    public static LifecycleEvent trialStarted(String searchId, String trialId, int attempt, String reason) {
        return trial(searchId, trialId, attempt, LifecycleType.TRIAL_STARTED, null, null, null, null, reason, null, null);
    }

    public static LifecycleEvent trialEvaluated(String searchId, String trialId, int attempt, long step,
                                                double validationLoss, long tokensSeen) {
        return trial(searchId, trialId, attempt, LifecycleType.TRIAL_EVALUATED, null, step, validationLoss, tokensSeen,
                null, null, null);
    }

    /** A terminal trial event: COMPLETED, DIVERGED, FAILED, or PRUNED without a rung (see {@link #trialPruned}). */
    public static LifecycleEvent trialEnded(String searchId, String trialId, int attempt, LifecycleType type,
                                            long step, long tokensSeen, String reason) {
        if (!type.isTrialTerminal()) {
            throw new IllegalArgumentException(type + " is not a terminal trial event");
        }
        return trial(searchId, trialId, attempt, type, null, step, null, tokensSeen, reason, null, null);
    }

    /** TRIAL_COMPLETED, naming the saved model ({@code checkpoint} null when it was not saved). */
    public static LifecycleEvent trialCompleted(String searchId, String trialId, int attempt, long step,
                                                long tokensSeen, String checkpoint) {
        return trial(searchId, trialId, attempt, LifecycleType.TRIAL_COMPLETED, null, step, null, tokensSeen, null, null,
                checkpoint);
    }

    /** The pruner stopped the trial at {@code step}; {@code rung} is null unless successive halving stopped it. */
    public static LifecycleEvent trialPruned(String searchId, String trialId, int attempt, long step, long tokensSeen,
                                             Integer rung, String reason) {
        return trial(searchId, trialId, attempt, LifecycleType.TRIAL_PRUNED, null, step, null, tokensSeen, reason,
                rung, null);
    }

    private static LifecycleEvent trial(String searchId, String trialId, Integer attempt, LifecycleType type,
                                        Map<String, Object> config, Long step, Double validationLoss, Long tokensSeen,
                                        String reason, Integer rung, String checkpoint) {
        // a first attempt keeps the ids events had before attempts existed, so stored history stays idempotent
        String id = searchId + "/" + trialId + (attempt != null && attempt > 1 ? "/a" + attempt : "") + "/" + type
                + (type == LifecycleType.TRIAL_EVALUATED ? "/" + step : "");
        return new LifecycleEvent(EventCodec.SCHEMA_VERSION, id, searchId, trialId, attempt, type,
                System.currentTimeMillis(), null, null, config, step, validationLoss, tokensSeen, reason, rung, null,
                checkpoint);
    }

    /** This terminal trial event carrying the trial's accounting. */
    public LifecycleEvent withAccounting(TrialAccounting accounting) {
        if (!type.isTrialTerminal()) {
            throw new IllegalArgumentException("only a terminal trial event carries accounting, not " + type);
        }
        return new LifecycleEvent(schemaVersion, eventId, searchId, trialId, attempt, type, timeMs, searchName,
                specYaml, config, step, validationLoss, tokensSeen, reason, rung, accounting, checkpoint);
    }

    /** Which run of the trial this event belongs to (1 when the event does not say). */
    public int attemptOrFirst() {
        return attempt == null ? 1 : attempt;
    }

    /** Kafka record key: a trial's events stay ordered in one partition; search events key by search id. */
    public String key() {
        return trialId != null ? trialId : searchId;
    }
}
