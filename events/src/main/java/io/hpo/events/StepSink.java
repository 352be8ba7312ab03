package io.hpo.events;

import java.io.Serializable;

/**
 * Where a trial's per-step training metrics go: {@link KafkaStepSink} in a search, an in-memory one in tests of the
 * training itself. Serializable because Spark ships it to every worker with each averaging round.
 */
public interface StepSink extends Serializable {

    void publish(StepMetric metric);

    /** Returns once everything published so far is delivered; throws if any of it was not. */
    void flush();
}
