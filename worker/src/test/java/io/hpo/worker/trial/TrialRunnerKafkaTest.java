package io.hpo.worker.trial;

import io.hpo.deploy.LocalKafkaBroker;
import io.hpo.events.BusConfig;
import io.hpo.events.EventCodec;
import io.hpo.events.KafkaStepSink;
import io.hpo.events.StepMetric;
import io.hpo.events.TrialStatus;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One trial on Spark local with two averaging workers, its steps published to a real Kafka broker. */
class TrialRunnerKafkaTest {
    private static LocalKafkaBroker broker;
    private static JavaSparkContext sc;

    @BeforeAll
    static void start() throws Exception {
        broker = LocalKafkaBroker.start(Files.createTempDirectory("trial-kafka"), 0);
        sc = new JavaSparkContext(new SparkConf().setMaster("local[2]").setAppName("trial-runner-kafka-test")
                .set("spark.ui.enabled", "false"));
    }

    @AfterAll
    static void stop() {
        if (sc != null) {
            sc.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void trainsWithParameterAveragingAndPublishesEveryStepOfEveryWorkerOnce() {
        BusConfig bus = BusConfig.defaults().withBootstrapServers(broker.bootstrapServers())
                .with(BusConfig.STEPS_TOPIC, "steps-ok");
        TrialPlan plan = new TrialPlan("s1", "trial-000", 1, TrialRunnerTest.small(3e-3), 12, 2, 5, 6, 2, 7);
        List<long[]> evaluations = new ArrayList<>();
        TrainingResult result = new TrialRunner(sc, new KafkaStepSink(bus)).run(plan, TrialRunnerTest.demoData(),
                (step, loss, tokens) -> evaluations.add(new long[]{step, tokens}), StopSignal.never());

        assertEquals(TrialStatus.COMPLETED, result.outcome(), String.valueOf(result.reason()));
        assertEquals(12, result.steps());
        assertEquals(12L * 8 * 24 * 2, result.tokensSeen());
        assertTrue(Double.isFinite(result.bestValLoss()));
        // rounds of 5, 5, 2 steps: evaluations where a round ends on a multiple of 6, and at the end
        assertEquals(List.of(12L), evaluations.stream().map(e -> e[0]).toList());

        List<StepMetric> metrics = readSteps(bus, 24);
        assertEquals(24, metrics.size(), "2 workers x 12 steps");
        // training loss is mean per-token nats: an untrained model starts near ln(vocabulary size)
        double lnVocab = Math.log(TrialRunnerTest.demoData().tokenizer().vocabSize());
        double firstLoss = metrics.stream().filter(m -> m.step() == 1).findFirst().orElseThrow().loss();
        assertTrue(firstLoss > 0.7 * lnVocab && firstLoss < 1.5 * lnVocab, firstLoss + " vs ln V " + lnVocab);
        Set<String> keys = new HashSet<>();
        for (StepMetric m : metrics) {
            assertTrue(keys.add(m.step() + "/" + m.worker()), "duplicate " + m);
            assertTrue(Double.isFinite(m.loss()));
            assertEquals(m.step() * plan.tokensPerStep(), m.tokensSeen());
        }
        for (int worker = 0; worker < 2; worker++) {
            for (int step = 1; step <= 12; step++) {
                assertTrue(keys.contains(step + "/" + worker), "missing step " + step + " of worker " + worker);
            }
        }
        // warm-up spans 4 steps and continues across averaging rounds: the rate rises, then decays to ~0
        double lrStep1 = TrialRunnerTest.lr(metrics, 1);
        double lrStep4 = TrialRunnerTest.lr(metrics, 4);
        double lrStep12 = TrialRunnerTest.lr(metrics, 12);
        assertTrue(lrStep1 < lrStep4, lrStep1 + " < " + lrStep4);
        assertTrue(lrStep12 < lrStep4 / 2, "decay after warm-up continues in later rounds: " + lrStep12);
    }

    private static void poll(KafkaConsumer<String, byte[]> consumer, List<StepMetric> out) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(300))) {
            try {
                out.addAll(EventCodec.decodeSteps(r.headers(), r.value()));
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }
    }

    private static List<StepMetric> readSteps(BusConfig bus, int expected) {
        List<StepMetric> out = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                "bootstrap.servers", bus.bootstrapServers(), "group.id", "trial-runner-test-" + bus.stepsTopic(),
                "auto.offset.reset", "earliest"), new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(bus.stepsTopic()));
            long deadline = System.currentTimeMillis() + 30_000;
            while (out.size() < expected && System.currentTimeMillis() < deadline) {
                poll(consumer, out);
            }
            // keep reading briefly: a duplicate would arrive now
            long settle = System.currentTimeMillis() + 2_000;
            while (System.currentTimeMillis() < settle) {
                poll(consumer, out);
            }
        }
        return out;
    }
}
