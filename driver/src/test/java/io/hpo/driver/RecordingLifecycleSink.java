package io.hpo.driver;

import io.hpo.events.LifecycleEvent;
import io.hpo.events.LifecycleSink;

import java.util.ArrayList;
import java.util.List;

/** Keeps the lifecycle events published to it, and how many of them no flush has delivered yet. */
final class RecordingLifecycleSink implements LifecycleSink {
    private final List<LifecycleEvent> published = new ArrayList<>();
    private int unflushed;

    @Override
    public synchronized void publish(LifecycleEvent event) {
        published.add(event);
        unflushed++;
    }

    @Override
    public synchronized void flush() {
        unflushed = 0;
    }

    synchronized List<LifecycleEvent> published() {
        return List.copyOf(published);
    }

    synchronized int unflushed() {
        return unflushed;
    }
}
