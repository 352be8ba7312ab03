package io.hpo.events;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Control events on the wire, and the bus settings that carry secrets and the new topics. */
class ControlEventTest {

    @Test
    void controlEventsRoundTripAndKeyBySearch() throws Exception {
        ControlEvent trial = ControlEvent.cancelTrial("s", "t", "api 127.0.0.1");
        assertEquals(trial, EventCodec.decodeControl(EventCodec.encode(trial)));
        assertEquals("s", trial.key());
        ControlEvent search = ControlEvent.cancelSearch("s", "api");
        ControlEvent back = EventCodec.decodeControl(EventCodec.encode(search));
        assertEquals(ControlType.CANCEL_SEARCH, back.type());
        assertNull(back.trialId());
        assertTrue(!new String(EventCodec.encode(search), StandardCharsets.UTF_8).contains("trialId"));
        ControlEvent enqueue = ControlEvent.enqueueTrial("s", Map.of("width", 64, "learning_rate", 1e-3), "cli");
        assertEquals(enqueue, EventCodec.decodeControl(EventCodec.encode(enqueue)));
        assertEquals(ControlType.ENQUEUE_TRIAL, enqueue.type());
        assertThrows(IllegalArgumentException.class, () -> new ControlEvent(1, "e", "s", null,
                ControlType.CANCEL_SEARCH, 1, "api", Map.of("width", 64)));
    }

    @Test
    void corruptControlEventsAreRejectedWithTheReason() {
        assertThrows(CorruptEventException.class, () -> EventCodec.decodeControl("{\"x".getBytes(StandardCharsets.UTF_8)));
        CorruptEventException noTrial = assertThrows(CorruptEventException.class, () -> EventCodec.decodeControl(
                ("{\"schemaVersion\":1,\"eventId\":\"e\",\"searchId\":\"s\",\"type\":\"CANCEL_TRIAL\",\"timeMs\":1}")
                        .getBytes(StandardCharsets.UTF_8)));
        assertTrue(noTrial.getMessage().contains("CANCEL_TRIAL needs trialId"), noTrial.getMessage());
        CorruptEventException noConfig = assertThrows(CorruptEventException.class, () -> EventCodec.decodeControl(
                ("{\"schemaVersion\":1,\"eventId\":\"e\",\"searchId\":\"s\",\"type\":\"ENQUEUE_TRIAL\",\"timeMs\":1}")
                        .getBytes(StandardCharsets.UTF_8)));
        assertTrue(noConfig.getMessage().contains("ENQUEUE_TRIAL needs config"), noConfig.getMessage());
        byte[] future = new String(EventCodec.encode(ControlEvent.cancelSearch("s", "api")), StandardCharsets.UTF_8)
                .replace("\"schemaVersion\":1", "\"schemaVersion\":2").getBytes(StandardCharsets.UTF_8);
        CorruptEventException version = assertThrows(CorruptEventException.class, () -> EventCodec.decodeControl(future));
        assertTrue(version.getMessage().contains("unsupported schema version 2"), version.getMessage());
    }

    @Test
    void clientSecuritySettingsPassThroughFromValuesOrFilesAndAreNeverShown(@TempDir Path dir) throws Exception {
        Path jaas = dir.resolve("jaas");
        Files.writeString(jaas, "org.apache.kafka.common.security.plain.PlainLoginModule required"
                + " username=\"u\" password=\"file-secret\";\n");
        BusConfig bus = BusConfig.from(Map.of(
                "hpo.kafka.client.security.protocol", "SASL_SSL",
                "hpo.kafka.client.sasl.mechanism", "PLAIN",
                "hpo.kafka.client.ssl.truststore.password", "store-secret",
                "hpo.kafka.client.file.sasl.jaas.config", jaas.toString()));
        Properties p = bus.kafkaClientProperties();
        assertEquals("SASL_SSL", p.get("security.protocol"));
        assertEquals("PLAIN", p.get("sasl.mechanism"));
        assertEquals("store-secret", p.get("ssl.truststore.password"));
        assertTrue(((String) p.get("sasl.jaas.config")).endsWith("password=\"file-secret\";"), p.toString());
        assertFalse(p.containsKey("file.sasl.jaas.config"));
        assertFalse(bus.toString().contains("secret"), bus.toString());

        BusConfig direct = bus.with("hpo.kafka.client.sasl.jaas.config", "direct-wins");
        assertEquals("direct-wins", direct.kafkaClientProperties().get("sasl.jaas.config"));

        BusConfig missing = BusConfig.from(Map.of("hpo.kafka.client.file.sasl.jaas.config", dir.resolve("nope").toString()));
        RuntimeException e = assertThrows(RuntimeException.class, missing::kafkaClientProperties);
        assertTrue(e.getMessage().startsWith("cannot read hpo.kafka.client.file.sasl.jaas.config "), e.getMessage());
    }

    @Test
    void controlAndDeadLetterTopicsHaveDefaults() {
        assertEquals("hpo.control", BusConfig.defaults().controlTopic());
        assertEquals("hpo.dead-letter", BusConfig.defaults().deadLetterTopic());
        BusConfig bus = BusConfig.from(Map.of(BusConfig.CONTROL_TOPIC, "c", BusConfig.DEAD_LETTER_TOPIC, "d"));
        assertEquals("c", bus.controlTopic());
        assertEquals("d", bus.deadLetterTopic());
    }
}
