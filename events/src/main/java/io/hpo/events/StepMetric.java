package io.hpo.events;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * One optimizer step of one worker in one trial, published by executors to {@link BusConfig#STEPS_TOPIC}.
 * (searchId, trialId, attempt, step, worker) is unique: redelivered copies are dropped by the store.
 *
 * @param attempt    1 for a trial's first run; a trial re-run after a lost executor or a crashed driver counts up,
 *                   and the store shows only its latest attempt (records without the field are attempt 1)
 * @param step       global optimizer step of the trial, 1-based, counted across averaging rounds
 * @param worker     index of the data-parallel worker within the trial, 0-based
 * @param tokensSeen training tokens consumed by the whole trial (all workers) up to and including this step
 * @param wallTimeMs epoch milliseconds when the step finished
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record StepMetric(int schemaVersion, String searchId, String trialId, Integer attempt, long step, int worker,
                         long tokensSeen, double learningRate, double loss, long wallTimeMs) {

    public StepMetric {
        attempt = attempt == null || attempt < 1 ? 1 : attempt;
    }

    public static StepMetric of(String searchId, String trialId, Integer attempt, long step, int worker, long tokensSeen,
                                double learningRate, double loss, long wallTimeMs) {
        return new StepMetric(EventCodec.SCHEMA_VERSION, searchId, trialId, attempt, step, worker, tokensSeen,
                learningRate, loss, wallTimeMs);
    }

    /** Kafka record key: all of a trial's records land in one partition, in order. */
    public String key() {
        return trialId;
    }
}
