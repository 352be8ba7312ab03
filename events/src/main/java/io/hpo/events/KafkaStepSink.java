package io.hpo.events;

/**
 * Step metrics to {@link BusConfig#STEPS_TOPIC}, through the executor JVM's {@link EventPublisher#shared shared}
 * producer.
 */
public record KafkaStepSink(BusConfig bus) implements StepSink {

    @Override
    public void publish(StepMetric metric) {
        EventPublisher.shared(bus).publish(metric);
    }

    @Override
    public void flush() {
        EventPublisher.shared(bus).flush();
    }
}
