package io.hpo.events;

import io.hpo.space.cost.Spend;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EventCodecTest {

    @Test
    void stepMetricsRoundTripIncludingNonFiniteLosses() throws Exception {
        for (double loss : new double[]{2.5, Double.NaN, Double.POSITIVE_INFINITY}) {
            StepMetric m = StepMetric.of("s", "t", 1, 3, 1, 3072, 1e-3, loss, 1_700_000_000_000L);
            StepMetric back = EventCodec.decodeStep(EventCodec.encode(m));
            assertEquals(m, back);
            assertEquals("t", back.key());
        }
    }

    /** A block's steps come back as they went, non-finite losses included; a record without the header is one step. */
    @Test
    void stepBlocksRoundTripAndARecordWithoutTheHeaderIsOneStep() throws Exception {
        List<StepMetric> steps = List.of(StepMetric.of("s", "t", 2, 7, 1, 7168, 1e-3, 2.5, 1_700_000_000_000L),
                StepMetric.of("s", "t", 2, 8, 1, 8192, 9e-4, Double.NaN, 1_700_000_000_020L),
                StepMetric.of("s", "t", 2, 9, 1, 9216, 8e-4, Double.POSITIVE_INFINITY, 1_700_000_000_040L));
        StepBlock block = StepBlock.of(steps);
        Headers blockHeaders = new RecordHeaders(List.of(StepBlock.header()));
        assertEquals(steps, EventCodec.decodeSteps(blockHeaders, EventCodec.encode(block)));
        assertEquals("t", block.key());
        assertEquals(steps.subList(0, 1), EventCodec.decodeSteps(new RecordHeaders(), EventCodec.encode(steps.get(0))));

        IllegalArgumentException mixed = assertThrows(IllegalArgumentException.class, () -> StepBlock.of(List.of(
                steps.get(0), StepMetric.of("s", "t", 2, 8, 0, 8192, 9e-4, 2.4, 1))));
        assertTrue(mixed.getMessage().contains("one worker of one trial attempt"), mixed.getMessage());
    }

    /** Losses and learning rates come back bit for bit, whatever their magnitude: the codec's doubles are exact. */
    @Test
    void doublesRoundTripExactly() throws Exception {
        Random random = new Random(7);
        List<Double> values = new ArrayList<>(List.of(Double.MIN_VALUE, Double.MAX_VALUE,
                Double.MIN_NORMAL, -0.0, 0.1 + 0.2, 1.0 / 3, 2.718281828459045, 1e-300, 5e-324, 4.9e-324 * 3));
        for (int i = 0; i < 2_000; i++) {
            values.add(Double.longBitsToDouble(random.nextLong()));
            values.add(random.nextDouble() * Math.pow(10, random.nextInt(40) - 20));
        }
        List<StepMetric> steps = new ArrayList<>();
        for (double v : values) {
            if (Double.isFinite(v)) {
                steps.add(StepMetric.of("s", "t", 1, steps.size() + 1, 0, 1, v, -v, 1));
            }
        }
        List<StepMetric> back = EventCodec.decodeSteps(new RecordHeaders(List.of(StepBlock.header())),
                EventCodec.encode(StepBlock.of(steps)));
        for (int i = 0; i < steps.size(); i++) {
            assertEquals(Double.doubleToRawLongBits(steps.get(i).learningRate()),
                    Double.doubleToRawLongBits(back.get(i).learningRate()), "learning rate " + steps.get(i));
            assertEquals(Double.doubleToRawLongBits(steps.get(i).loss()),
                    Double.doubleToRawLongBits(back.get(i).loss()), "loss " + steps.get(i));
        }
    }

    /** A block is read whole or refused whole, saying why. */
    @Test
    void aMalformedBlockIsCorruptAsAWhole() {
        Headers h = new RecordHeaders(List.of(StepBlock.header()));
        String good = new String(EventCodec.encode(StepBlock.of(List.of(StepMetric.of("s", "t", 1, 1, 0, 1, 0.1, 3.0, 1),
                StepMetric.of("s", "t", 1, 2, 0, 2, 0.1, 2.0, 2)))), StandardCharsets.UTF_8);
        Map<String, String> broken = new LinkedHashMap<>();
        broken.put(good.replace("\"loss\":[3.0,", "\"loss\":["), "columns differ in length from its 2 steps");
        broken.put(good.replace("\"step\":[1,", "\"step\":[0,"), "has step 0");
        broken.put(good.replace("\"trialId\":\"t\",", ""), "lacks search/trial id");
        broken.put(good.replace("\"schemaVersion\":1", "\"schemaVersion\":99"), "unsupported schema version 99");
        broken.put(good.replace("\"step\":[1,2]", "\"step\":\"x\""), "not a valid StepBlock");
        broken.put("{not json", "not a valid StepBlock");
        broken.forEach((json, why) -> {
            CorruptEventException e = assertThrows(CorruptEventException.class,
                    () -> EventCodec.decodeSteps(h, json.getBytes(StandardCharsets.UTF_8)), json);
            assertTrue(e.getMessage().contains(why), why + " in " + e.getMessage());
        });
    }

    @Test
    void lifecycleEventsRoundTripAndLeaveOutFieldsThatDoNotApply() throws Exception {
        LifecycleEvent created = LifecycleEvent.trialCreated("s", "t", Map.of("width", 64, "schedule", "cosine"));
        LifecycleEvent back = EventCodec.decodeLifecycle(EventCodec.encode(created));
        assertEquals(created, back);
        String json = new String(EventCodec.encode(created), StandardCharsets.UTF_8);
        assertTrue(!json.contains("validationLoss") && !json.contains("specYaml"), json);

        LifecycleEvent completed = LifecycleEvent.trialCompleted("s", "t", 2, 100, 4096, "/ckpt/s/t.zip");
        assertEquals(completed, EventCodec.decodeLifecycle(EventCodec.encode(completed)));
        assertEquals(LifecycleEvent.trialEnded("s", "t", 2, LifecycleType.TRIAL_COMPLETED, 100, 4096, null).eventId(),
                completed.eventId());
        assertTrue(!new String(EventCodec.encode(LifecycleEvent.trialCompleted("s", "t", 1, 1, 1, null)),
                StandardCharsets.UTF_8).contains("checkpoint"));

        LifecycleEvent finished = LifecycleEvent.searchFinished("s", "COMPLETED");
        assertNull(finished.trialId());
        assertEquals("s", EventCodec.decodeLifecycle(EventCodec.encode(finished)).key());
    }

    @Test
    void everyFactoryKeepsItsWireForm() {
        String accounting = "{\"parameters\":1000,\"trainingTokens\":5000,\"executorSeconds\":12.5,\"tokens\":400,"
                + "\"flops\":2400000.0,\"energyKwh\":0.001,\"co2Kg\":5.0E-4,\"cost\":0.02}";
        String trial = "{\"schemaVersion\":1,\"eventId\":\"s/t/";
        Map<String, LifecycleEvent> pinned = new LinkedHashMap<>();
        pinned.put("{\"schemaVersion\":1,\"eventId\":\"s/started\",\"searchId\":\"s\",\"type\":\"SEARCH_STARTED\","
                + "\"timeMs\":0,\"searchName\":\"tiny\",\"specYaml\":\"name: tiny\\n\"}",
                LifecycleEvent.searchStarted("s", "tiny", "name: tiny\n"));
        pinned.put("{\"schemaVersion\":1,\"eventId\":\"s/finished\",\"searchId\":\"s\",\"type\":\"SEARCH_FINISHED\","
                + "\"timeMs\":0,\"reason\":\"COMPLETED\"}", LifecycleEvent.searchFinished("s", "COMPLETED"));
        pinned.put(trial + "TRIAL_CREATED\",\"searchId\":\"s\",\"trialId\":\"t\",\"type\":\"TRIAL_CREATED\","
                + "\"timeMs\":0,\"config\":{\"width\":64}}", LifecycleEvent.trialCreated("s", "t", Map.of("width", 64)));
        pinned.put(trial + "TRIAL_CREATED\",\"searchId\":\"s\",\"trialId\":\"t\",\"type\":\"TRIAL_CREATED\","
                + "\"timeMs\":0,\"config\":{\"width\":64},\"enqueuedBy\":\"spec-1\"}",
                LifecycleEvent.trialCreated("s", "t", Map.of("width", 64), "spec-1"));
        pinned.put(trial + "a2/TRIAL_STARTED\",\"searchId\":\"s\",\"trialId\":\"t\",\"attempt\":2,"
                + "\"type\":\"TRIAL_STARTED\",\"timeMs\":0,\"reason\":\"executor lost\"}",
                LifecycleEvent.trialStarted("s", "t", 2, "executor lost"));
        pinned.put(trial + "TRIAL_EVALUATED/20\",\"searchId\":\"s\",\"trialId\":\"t\",\"attempt\":1,"
                + "\"type\":\"TRIAL_EVALUATED\",\"timeMs\":0,\"step\":20,\"validationLoss\":1.5,\"tokensSeen\":100}",
                LifecycleEvent.trialEvaluated("s", "t", 1, 20, 1.5, 100));
        pinned.put(trial + "TRIAL_FAILED\",\"searchId\":\"s\",\"trialId\":\"t\",\"attempt\":1,"
                + "\"type\":\"TRIAL_FAILED\",\"timeMs\":0,\"step\":3,\"tokensSeen\":30,\"reason\":\"oom\"}",
                LifecycleEvent.trialEnded("s", "t", 1, LifecycleType.TRIAL_FAILED, 3, 30, "oom"));
        pinned.put(trial + "TRIAL_COMPLETED\",\"searchId\":\"s\",\"trialId\":\"t\",\"attempt\":1,"
                + "\"type\":\"TRIAL_COMPLETED\",\"timeMs\":0,\"step\":100,\"tokensSeen\":4096,"
                + "\"checkpoint\":\"/ckpt/s/t.zip\"}", LifecycleEvent.trialCompleted("s", "t", 1, 100, 4096, "/ckpt/s/t.zip"));
        pinned.put(trial + "TRIAL_PRUNED\",\"searchId\":\"s\",\"trialId\":\"t\",\"attempt\":1,"
                + "\"type\":\"TRIAL_PRUNED\",\"timeMs\":0,\"step\":60,\"tokensSeen\":61440,\"reason\":\"asha rung 0\","
                + "\"rung\":0,\"accounting\":" + accounting + "}",
                LifecycleEvent.trialPruned("s", "t", 1, 60, 61_440, 0, "asha rung 0").withAccounting(
                        new TrialAccounting(1000, 5000, new Spend(12.5, 400, 2.4e6, 1e-3, 5e-4, 0.02))));
        pinned.put(trial + "TRIAL_EXPLOITED/5\",\"searchId\":\"s\",\"trialId\":\"t\",\"type\":\"TRIAL_EXPLOITED\","
                + "\"timeMs\":0,\"config\":{\"learning_rate\":0.0012},\"donor\":\"u\",\"step\":5,"
                + "\"previousConfig\":{\"learning_rate\":0.1},\"changes\":{\"learning_rate\":\"x1.2\"}}",
                LifecycleEvent.trialExploited("s", "t", "u", 5, Map.of("learning_rate", 0.1),
                        Map.of("learning_rate", 0.0012), Map.of("learning_rate", "x1.2")));
        pinned.forEach((json, event) -> {
            assertEquals(json, new String(EventCodec.encode(event), StandardCharsets.UTF_8)
                    .replaceFirst("\"timeMs\":\\d+", "\"timeMs\":0"));
            try {
                assertEquals(event, EventCodec.decodeLifecycle(EventCodec.encode(event)));
            } catch (CorruptEventException e) {
                throw new AssertionError(e);
            }
        });
    }

    @Test
    void eventIdsAreDeterministicSoRepublishingIsIdempotent() {
        assertEquals(LifecycleEvent.trialEvaluated("s", "t", 1, 20, 1.5, 100).eventId(),
                LifecycleEvent.trialEvaluated("s", "t", 1, 20, 1.7, 100).eventId());
        assertTrue(!LifecycleEvent.trialEvaluated("s", "t", 1, 20, 1.5, 100).eventId()
                .equals(LifecycleEvent.trialEvaluated("s", "t", 1, 40, 1.5, 100).eventId()));
        assertThrows(IllegalArgumentException.class,
                () -> LifecycleEvent.trialEnded("s", "t", 1, LifecycleType.TRIAL_STARTED, 1, 1, null));
    }

    @Test
    void recordsWrittenBeforeAttemptsExistedAreFirstAttemptsAndLaterAttemptsHaveTheirOwnIds() throws Exception {
        StepMetric old = EventCodec.decodeStep(("{\"schemaVersion\":1,\"searchId\":\"s\",\"trialId\":\"t\",\"step\":2,"
                + "\"worker\":0,\"tokensSeen\":1,\"learningRate\":0.1,\"loss\":1.0,\"wallTimeMs\":1}")
                .getBytes(StandardCharsets.UTF_8));
        assertEquals(1, old.attempt());
        LifecycleEvent first = LifecycleEvent.trialStarted("s", "t", 1, null);
        assertEquals("s/t/TRIAL_STARTED", first.eventId());
        LifecycleEvent second = LifecycleEvent.trialStarted("s", "t", 2, "executor lost");
        assertEquals("s/t/a2/TRIAL_STARTED", second.eventId());
        assertEquals(second, EventCodec.decodeLifecycle(EventCodec.encode(second)));
        assertEquals(1, LifecycleEvent.trialCreated("s", "t", Map.of()).attemptOrFirst());
        assertTrue(!LifecycleEvent.trialEvaluated("s", "t", 1, 20, 1.5, 100).eventId()
                .equals(LifecycleEvent.trialEvaluated("s", "t", 2, 20, 1.5, 100).eventId()));
    }

    @Test
    void terminalEventsCarryAccountingAndOldOnesWithoutItStillDecode() throws Exception {
        TrialAccounting accounting = new TrialAccounting(107_000, 150_000, new Spend(42.5, 61_440,
                6.0 * 107_000 * 61_440, 100 * 42.5 / 3.6e6, 100 * 42.5 / 3.6e6 * 0.475, 0.1 * 42.5 / 3600));
        LifecycleEvent ended = LifecycleEvent.trialEnded("s", "t", 2, LifecycleType.TRIAL_COMPLETED, 60, 61_440, null)
                .withAccounting(accounting);
        assertEquals(ended, EventCodec.decodeLifecycle(EventCodec.encode(ended)));
        assertEquals(ended.eventId(), LifecycleEvent.trialEnded("s", "t", 2, LifecycleType.TRIAL_COMPLETED, 60,
                61_440, null).eventId(), "accounting leaves the event's id alone");
        assertThrows(IllegalArgumentException.class,
                () -> LifecycleEvent.trialStarted("s", "t", 1, null).withAccounting(accounting));

        LifecycleEvent old = EventCodec.decodeLifecycle(("{\"schemaVersion\":1,\"eventId\":\"s/t/TRIAL_COMPLETED\","
                + "\"searchId\":\"s\",\"trialId\":\"t\",\"type\":\"TRIAL_COMPLETED\",\"timeMs\":1,\"step\":60,"
                + "\"tokensSeen\":61440}").getBytes(StandardCharsets.UTF_8));
        assertNull(old.ending().accounting());
        assertEquals(1, old.attemptOrFirst());
        String json = new String(EventCodec.encode(LifecycleEvent.trialStarted("s", "t", 1, null)), StandardCharsets.UTF_8);
        assertTrue(!json.contains("accounting"), json);
    }

    @Test
    void accountingKeepsItsFlatWireForm() throws Exception {
        String flat = "{\"parameters\":1000,\"trainingTokens\":5000,\"executorSeconds\":12.5,\"tokens\":400,"
                + "\"flops\":2400000.0,\"energyKwh\":0.001,\"co2Kg\":5.0E-4,\"cost\":0.02}";
        TrialAccounting accounting = new TrialAccounting(1000, 5000, new Spend(12.5, 400, 2.4e6, 1e-3, 5e-4, 0.02));
        assertEquals(flat, new String(EventCodec.encode(accounting), StandardCharsets.UTF_8));
        LifecycleEvent recorded = EventCodec.decodeLifecycle(("{\"schemaVersion\":1,\"eventId\":\"s/t/TRIAL_FAILED\","
                + "\"searchId\":\"s\",\"trialId\":\"t\",\"type\":\"TRIAL_FAILED\",\"timeMs\":1,\"accounting\":" + flat
                + "}").getBytes(StandardCharsets.UTF_8));
        assertEquals(accounting, recorded.ending().accounting());
    }

    @Test
    void corruptRecordsAreRejectedWithTheReason() {
        CorruptEventException notJson = assertThrows(CorruptEventException.class,
                () -> EventCodec.decodeStep("{not json".getBytes(StandardCharsets.UTF_8)));
        assertTrue(notJson.getMessage().contains("not a valid StepMetric"), notJson.getMessage());

        assertThrows(CorruptEventException.class, () -> EventCodec.decodeStep(null));
        CorruptEventException missing = assertThrows(CorruptEventException.class, () -> EventCodec.decodeStep(
                ("{\"schemaVersion\":1,\"step\":1,\"worker\":0,\"tokensSeen\":1,\"learningRate\":0.1,"
                        + "\"loss\":1.0,\"wallTimeMs\":1}").getBytes(StandardCharsets.UTF_8)));
        assertTrue(missing.getMessage().contains("lacks search/trial id"), missing.getMessage());

        byte[] future = new String(EventCodec.encode(StepMetric.of("s", "t", 1, 1, 0, 1, 0.1, 1.0, 1)),
                StandardCharsets.UTF_8).replace("\"schemaVersion\":1", "\"schemaVersion\":99")
                .getBytes(StandardCharsets.UTF_8);
        CorruptEventException version = assertThrows(CorruptEventException.class, () -> EventCodec.decodeStep(future));
        assertTrue(version.getMessage().contains("unsupported schema version 99"), version.getMessage());
    }

    @Test
    void busConfigHasDefaultsPassesClientSettingsThroughAndHidesTheirValues() {
        BusConfig bus = BusConfig.from(Map.of(
                BusConfig.BOOTSTRAP_SERVERS, "k1:9092",
                "hpo.kafka.client.sasl.jaas.config", "secret-value",
                "unrelated.key", "x"));
        assertEquals("k1:9092", bus.kafkaClientProperties().get("bootstrap.servers"));
        assertEquals("secret-value", bus.kafkaClientProperties().get("sasl.jaas.config"));
        assertEquals(BusConfig.STEPS_TOPIC_DEFAULT, bus.stepsTopic());
        assertEquals(BusConfig.LIFECYCLE_TOPIC_DEFAULT, bus.lifecycleTopic());
        assertTrue(!bus.toString().contains("secret-value"), bus.toString());
        assertEquals(BusConfig.BOOTSTRAP_SERVERS_DEFAULT, BusConfig.defaults().bootstrapServers());
    }
}
