package io.hpo.worker.trial;

import io.hpo.events.StepMetric;
import io.hpo.events.StepSink;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Keeps a trial's step metrics in this JVM, under the sink's name: Spark local mode deserialises its own copy of the
 * sink in every task, so the copies record into one shared list.
 */
record RecordingStepSink(String name) implements StepSink {
    private static final Map<String, List<StepMetric>> RECORDED = new ConcurrentHashMap<>();

    @Override
    public void publish(StepMetric metric) {
        RECORDED.computeIfAbsent(name, k -> new CopyOnWriteArrayList<>()).add(metric);
    }

    @Override
    public void flush() {
    }

    List<StepMetric> recorded() {
        return List.copyOf(RECORDED.getOrDefault(name, List.of()));
    }
}
