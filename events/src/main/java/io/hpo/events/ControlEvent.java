package io.hpo.events;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * A request to the driver of a running search, published by the aggregator's API to {@link BusConfig#CONTROL_TOPIC}.
 *
 * @param eventId     unique per request, so a consumer can drop a redelivered copy; an enqueued trial's
 *                    TRIAL_CREATED names it
 * @param trialId     the trial to cancel; null for the other types
 * @param timeMs      epoch milliseconds of the request
 * @param requestedBy who asked and why, free text for logs (e.g. "api 127.0.0.1")
 * @param config      {@link ControlType#ENQUEUE_TRIAL} (and only it): the hyperparameters given, in map form
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ControlEvent(int schemaVersion, String eventId, String searchId, String trialId, ControlType type,
                           long timeMs, String requestedBy, Map<String, Object> config) {

    public ControlEvent {
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(searchId, "searchId");
        Objects.requireNonNull(type, "type");
        if ((type == ControlType.CANCEL_TRIAL) != (trialId != null)) {
            throw new IllegalArgumentException(type + " " + (trialId == null ? "needs" : "takes no") + " trialId");
        }
        if ((type == ControlType.ENQUEUE_TRIAL) != (config != null)) {
            throw new IllegalArgumentException(type + " " + (config == null ? "needs" : "takes no") + " config");
        }
        if (config != null) {
            config = Collections.unmodifiableMap(new LinkedHashMap<>(config));
        }
    }

    public static ControlEvent cancelSearch(String searchId, String requestedBy) {
        return new ControlEvent(EventCodec.SCHEMA_VERSION, UUID.randomUUID().toString(), searchId, null,
                ControlType.CANCEL_SEARCH, System.currentTimeMillis(), requestedBy, null);
    }

    public static ControlEvent cancelTrial(String searchId, String trialId, String requestedBy) {
        return new ControlEvent(EventCodec.SCHEMA_VERSION, UUID.randomUUID().toString(), searchId, trialId,
                ControlType.CANCEL_TRIAL, System.currentTimeMillis(), requestedBy, null);
    }

    public static ControlEvent enqueueTrial(String searchId, Map<String, Object> config, String requestedBy) {
        return new ControlEvent(EventCodec.SCHEMA_VERSION, UUID.randomUUID().toString(), searchId, null,
                ControlType.ENQUEUE_TRIAL, System.currentTimeMillis(), requestedBy, config);
    }

    /** Kafka record key: one search's requests stay ordered in one partition. */
    public String key() {
        return searchId;
    }
}
