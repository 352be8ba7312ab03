package io.hpo.aggregator.ingest;

import io.hpo.events.BusConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/**
 * Parks records the aggregator cannot read on {@link BusConfig#DEAD_LETTER_TOPIC}: the raw key and value, the
 * record's own headers, and headers naming where it came from and why it was refused. Idempotent producer, acks=all.
 */
final class DeadLetterWriter implements AutoCloseable {
    static final String SOURCE_TOPIC = "hpo.dlq.source.topic";
    static final String SOURCE_PARTITION = "hpo.dlq.source.partition";
    static final String SOURCE_OFFSET = "hpo.dlq.source.offset";
    static final String ERROR = "hpo.dlq.error";

    /** A record the consumer refused, and why. */
    record Refused(ConsumerRecord<byte[], byte[]> record, String error) {
    }

    private final String topic;
    private final KafkaProducer<byte[], byte[]> producer;

    DeadLetterWriter(BusConfig bus) {
        this.topic = bus.deadLetterTopic();
        Properties p = bus.kafkaClientProperties();
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "hpo-aggregator-dlq-" + ProcessHandle.current().pid());
        producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    String topic() {
        return topic;
    }

    /** Writes the records and returns once the broker has acknowledged every one; throws if any write failed. */
    void write(List<Refused> refused) throws ExecutionException, InterruptedException {
        List<Future<?>> sent = new ArrayList<>();
        for (Refused r : refused) {
            ConsumerRecord<byte[], byte[]> src = r.record();
            ProducerRecord<byte[], byte[]> out = new ProducerRecord<>(topic, null, src.key(), src.value());
            for (Header h : src.headers()) {
                out.headers().add(h);
            }
            out.headers().add(SOURCE_TOPIC, utf8(src.topic()))
                    .add(SOURCE_PARTITION, utf8(Integer.toString(src.partition())))
                    .add(SOURCE_OFFSET, utf8(Long.toString(src.offset())))
                    .add(ERROR, utf8(r.error()));
            sent.add(producer.send(out));
        }
        producer.flush();
        for (Future<?> f : sent) {
            f.get();
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(10));
    }
}
