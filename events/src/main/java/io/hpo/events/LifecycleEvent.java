package io.hpo.events;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonUnwrapped;

import java.util.Map;
import java.util.Objects;

/**
 * A search or trial lifecycle event, published by the driver to {@link BusConfig#LIFECYCLE_TOPIC}.
 * What an event reports depends on its type and is null for other types; nulls are left out of the JSON, and the
 * groups' fields sit flat beside the event's own, as they always have.
 *
 * @param eventId    deterministic id (same event, same id) so redelivery and re-publication are idempotent
 * @param trialId    null for search events
 * @param attempt    TRIAL_STARTED, TRIAL_EVALUATED and terminal trial events: which run of the trial (1 = first;
 *                   a trial re-run after a lost executor or a crashed driver counts up); null means 1
 * @param submission SEARCH_STARTED (and only it): the spec's name and text
 * @param config     TRIAL_CREATED: the trial's hyperparameters (snake_case keys, as in the spec); TRIAL_EXPLOITED:
 *                   those it goes on with
 * @param enqueuedBy TRIAL_CREATED of an enqueued trial (and only it): the id of the request that enqueued it, so a
 *                   resumed driver launches no request twice; null for a trial the sampler suggested (and in
 *                   events from before enqueueing existed)
 * @param evaluation TRIAL_EVALUATED (and only it): step, validation loss, tokens seen
 * @param reason     TRIAL_STARTED of a later attempt: why the trial runs again; SEARCH_FINISHED: the search's final
 *                   status. A terminal event's reason is in its {@code ending}
 * @param ending     terminal trial events (and only they): step, tokens, reason, rung, accounting, checkpoint
 * @param exploitation TRIAL_EXPLOITED (and only it): donor, step, the hyperparameters before, what changed; absent
 *                   from events written before population-based training, which have no such type
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LifecycleEvent(int schemaVersion, String eventId, String searchId, String trialId, Integer attempt,
                             LifecycleType type, long timeMs, @JsonUnwrapped SearchSubmission submission,
                             Map<String, Object> config, String enqueuedBy,
                             @JsonUnwrapped TrialEvaluation evaluation, String reason,
                             @JsonUnwrapped TrialEnding ending,
                             @JsonUnwrapped TrialExploitation exploitation) {

    // Jackson 2.15 cannot pass unwrapped objects to a constructor: JSON is read through fromJson instead
    @JsonCreator(mode = JsonCreator.Mode.DISABLED)
    public LifecycleEvent {
        Objects.requireNonNull(searchId, "searchId");
        Objects.requireNonNull(type, "type");
        if (!type.isSearchEvent()) {
            Objects.requireNonNull(trialId, "trialId of a " + type + " event");
        }
        if ((submission != null) != (type == LifecycleType.SEARCH_STARTED)
                || (evaluation != null) != (type == LifecycleType.TRIAL_EVALUATED)
                || (ending != null) != type.isTrialTerminal()
                || (reason != null && type.isTrialTerminal())
                || (enqueuedBy != null && type != LifecycleType.TRIAL_CREATED)
                || (exploitation != null) != (type == LifecycleType.TRIAL_EXPLOITED)) {
            throw new IllegalArgumentException("a " + type + " event reports what its type reports: submission "
                    + submission + ", evaluation " + evaluation + ", reason " + reason + ", ending " + ending
                    + ", exploitation " + exploitation);
        }
    }

    /** Reads the flat wire form, putting each field in the group that the event's type reports it in. */
    @JsonCreator
    static LifecycleEvent fromJson(@JsonProperty("schemaVersion") int schemaVersion,
                                   @JsonProperty("eventId") String eventId, @JsonProperty("searchId") String searchId,
                                   @JsonProperty("trialId") String trialId, @JsonProperty("attempt") Integer attempt,
                                   @JsonProperty("type") LifecycleType type, @JsonProperty("timeMs") long timeMs,
                                   @JsonProperty("searchName") String searchName,
                                   @JsonProperty("specYaml") String specYaml,
                                   @JsonProperty("config") Map<String, Object> config,
                                   @JsonProperty("enqueuedBy") String enqueuedBy,
                                   @JsonProperty("step") Long step,
                                   @JsonProperty("validationLoss") Double validationLoss,
                                   @JsonProperty("tokensSeen") Long tokensSeen, @JsonProperty("reason") String reason,
                                   @JsonProperty("rung") Integer rung,
                                   @JsonProperty("accounting") TrialAccounting accounting,
                                   @JsonProperty("checkpoint") String checkpoint,
                                   @JsonProperty("donor") String donor,
                                   @JsonProperty("previousConfig") Map<String, Object> previousConfig,
                                   @JsonProperty("changes") Map<String, String> changes) {
        Objects.requireNonNull(type, "type");
        boolean terminal = type.isTrialTerminal();
        return new LifecycleEvent(schemaVersion, eventId, searchId, trialId, attempt, type, timeMs,
                type == LifecycleType.SEARCH_STARTED ? new SearchSubmission(searchName, specYaml) : null, config,
                enqueuedBy,
                type == LifecycleType.TRIAL_EVALUATED ? new TrialEvaluation(step, validationLoss, tokensSeen) : null,
                terminal ? null : reason,
                terminal ? new TrialEnding(step, tokensSeen, reason, rung, accounting, checkpoint) : null,
                type == LifecycleType.TRIAL_EXPLOITED ? new TrialExploitation(donor, step, previousConfig, changes)
                        : null);
    }

    public static LifecycleEvent searchStarted(String searchId, String name, String specYaml) {
        return search(searchId, "started", LifecycleType.SEARCH_STARTED)
                .submission(new SearchSubmission(name, specYaml)).build();
    }

    public static LifecycleEvent searchFinished(String searchId, String status) {
        return search(searchId, "finished", LifecycleType.SEARCH_FINISHED).reason(status).build();
    }

    public static LifecycleEvent trialCreated(String searchId, String trialId, Map<String, Object> config) {
        return trialCreated(searchId, trialId, config, null);
    }

    /** {@code enqueuedBy}: the id of the request that enqueued the trial; null for a sampled one. */
    public static LifecycleEvent trialCreated(String searchId, String trialId, Map<String, Object> config,
                                              String enqueuedBy) {
        return trial(searchId, trialId, null, LifecycleType.TRIAL_CREATED, "").config(config).enqueuedBy(enqueuedBy)
                .build();
    }

    /** {@code reason}: null for a first attempt; for a later one, why the trial runs again. */
    public static LifecycleEvent trialStarted(String searchId, String trialId, int attempt, String reason) {
        return trial(searchId, trialId, attempt, LifecycleType.TRIAL_STARTED, "").reason(reason).build();
    }

    public static LifecycleEvent trialEvaluated(String searchId, String trialId, int attempt, long step,
                                                double validationLoss, long tokensSeen) {
        return trial(searchId, trialId, attempt, LifecycleType.TRIAL_EVALUATED, "/" + step)
                .evaluation(new TrialEvaluation(step, validationLoss, tokensSeen)).build();
    }

    /** A terminal trial event: COMPLETED, DIVERGED, FAILED, or PRUNED without a rung (see {@link #trialPruned}). */
    public static LifecycleEvent trialEnded(String searchId, String trialId, int attempt, LifecycleType type,
                                            long step, long tokensSeen, String reason) {
        if (!type.isTrialTerminal()) {
            throw new IllegalArgumentException(type + " is not a terminal trial event");
        }
        return trial(searchId, trialId, attempt, type, "").ending(TrialEnding.at(step, tokensSeen, reason)).build();
    }

    /** TRIAL_COMPLETED, naming the saved model ({@code checkpoint} null when it was not saved). */
    public static LifecycleEvent trialCompleted(String searchId, String trialId, int attempt, long step,
                                                long tokensSeen, String checkpoint) {
        return trial(searchId, trialId, attempt, LifecycleType.TRIAL_COMPLETED, "")
                .ending(TrialEnding.at(step, tokensSeen, null).withCheckpoint(checkpoint)).build();
    }

    /** The pruner stopped the trial at {@code step}; {@code rung} is null unless successive halving stopped it. */
    public static LifecycleEvent trialPruned(String searchId, String trialId, int attempt, long step, long tokensSeen,
                                             Integer rung, String reason) {
        return trial(searchId, trialId, attempt, LifecycleType.TRIAL_PRUNED, "")
                .ending(TrialEnding.at(step, tokensSeen, reason).withRung(rung)).build();
    }

    /**
     * TRIAL_EXPLOITED: at {@code step} the trial took over {@code donor}'s state and goes on with {@code config}
     * instead of {@code previousConfig}; {@code changes} says how each explored hyperparameter changed.
     */
    public static LifecycleEvent trialExploited(String searchId, String trialId, String donor, long step,
                                                Map<String, Object> previousConfig, Map<String, Object> config,
                                                Map<String, String> changes) {
        return trial(searchId, trialId, null, LifecycleType.TRIAL_EXPLOITED, "/" + step).config(config)
                .exploitation(new TrialExploitation(donor, step, previousConfig, changes)).build();
    }

    private static Builder search(String searchId, String idSuffix, LifecycleType type) {
        return new Builder(searchId + "/" + idSuffix, searchId, null, null, type);
    }

    private static Builder trial(String searchId, String trialId, Integer attempt, LifecycleType type,
                                 String idSuffix) {
        // a first attempt keeps the ids events had before attempts existed, so stored history stays idempotent
        String id = searchId + "/" + trialId + (attempt != null && attempt > 1 ? "/a" + attempt : "") + "/" + type
                + idSuffix;
        return new Builder(id, searchId, trialId, attempt, type);
    }

    /** This terminal trial event carrying the trial's accounting. */
    public LifecycleEvent withAccounting(TrialAccounting accounting) {
        if (!type.isTrialTerminal()) {
            throw new IllegalArgumentException("only a terminal trial event carries accounting, not " + type);
        }
        return new LifecycleEvent(schemaVersion, eventId, searchId, trialId, attempt, type, timeMs, submission,
                config, enqueuedBy, evaluation, reason, ending.withAccounting(accounting), exploitation);
    }

    /** Which run of the trial this event belongs to (1 when the event does not say). */
    public int attemptOrFirst() {
        return attempt == null ? 1 : attempt;
    }

    /** Kafka record key: a trial's events stay ordered in one partition; search events key by search id. */
    public String key() {
        return trialId != null ? trialId : searchId;
    }

    /** A new event, stamped now, from what its type reports; what is not set stays null. */
    private static final class Builder {
        private final String eventId;
        private final String searchId;
        private final String trialId;
        private final Integer attempt;
        private final LifecycleType type;
        private SearchSubmission submission;
        private Map<String, Object> config;
        private String enqueuedBy;
        private TrialEvaluation evaluation;
        private String reason;
        private TrialEnding ending;
        private TrialExploitation exploitation;

        Builder(String eventId, String searchId, String trialId, Integer attempt, LifecycleType type) {
            this.eventId = eventId;
            this.searchId = searchId;
            this.trialId = trialId;
            this.attempt = attempt;
            this.type = type;
        }

        Builder submission(SearchSubmission submission) {
            this.submission = submission;
            return this;
        }

        Builder config(Map<String, Object> config) {
            this.config = config;
            return this;
        }

        Builder enqueuedBy(String enqueuedBy) {
            this.enqueuedBy = enqueuedBy;
            return this;
        }

        Builder evaluation(TrialEvaluation evaluation) {
            this.evaluation = evaluation;
            return this;
        }

        Builder reason(String reason) {
            this.reason = reason;
            return this;
        }

        Builder ending(TrialEnding ending) {
            this.ending = ending;
            return this;
        }

        Builder exploitation(TrialExploitation exploitation) {
            this.exploitation = exploitation;
            return this;
        }

        LifecycleEvent build() {
            return new LifecycleEvent(EventCodec.SCHEMA_VERSION, eventId, searchId, trialId, attempt, type,
                    System.currentTimeMillis(), submission, config, enqueuedBy, evaluation, reason, ending,
                    exploitation);
        }
    }
}
