package io.hpo.events;

/** Where the driver's lifecycle events go: {@link EventPublisher} in a search, a recording one in unit tests. */
public interface LifecycleSink {

    void publish(LifecycleEvent event);

    /** Returns once everything published so far is delivered; throws if any of it was not. */
    void flush();
}
