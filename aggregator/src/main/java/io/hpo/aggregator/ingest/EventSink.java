package io.hpo.aggregator.ingest;

import io.hpo.events.LifecycleEvent;
import io.hpo.events.StepMetric;

import java.sql.SQLException;
import java.util.List;

/** Where a consumer writes a batch, all or nothing: {@code ResultsStore::applyBatch}. */
@FunctionalInterface
public interface EventSink {
    void write(List<StepMetric> steps, List<LifecycleEvent> events) throws SQLException;
}
