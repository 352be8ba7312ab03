package io.hpo.events;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

import org.apache.kafka.common.header.Headers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** JSON encoding of events. Consumers reject any schema version they do not know. */
public final class EventCodec {
    public static final int SCHEMA_VERSION = 1;

    // a diverging trial reports NaN / Infinity losses: they must survive the round trip as numbers. Doubles are
    // most of a step block's text; the JDK's parsing and printing of them was the largest part of the aggregator's
    // CPU per step, and Jackson's own (exact both ways) costs a fraction of it
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .enable(JsonWriteFeature.WRITE_NAN_AS_STRINGS)
            .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
            .enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER)
            .configure(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES, true)
            .build();

    private EventCodec() {
    }

    public static byte[] encode(Object event) {
        try {
            return MAPPER.writeValueAsBytes(event);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static StepMetric decodeStep(byte[] json) throws CorruptEventException {
        StepMetric m = decode(json, StepMetric.class);
        if (m.searchId() == null || m.trialId() == null || m.step() < 1 || m.worker() < 0) {
            throw new CorruptEventException("step metric lacks search/trial id or has a bad step/worker: "
                    + preview(json), null);
        }
        return m;
    }

    /**
     * The steps of one record of the steps topic: a {@link StepBlock}'s (a block that does not decode, or whose
     * columns disagree, is corrupt as a whole), or the single step of a record without the block header.
     */
    public static List<StepMetric> decodeSteps(Headers headers, byte[] json) throws CorruptEventException {
        if (!StepBlock.isBlock(headers)) {
            return List.of(decodeStep(json));
        }
        StepBlock block = decode(json, StepBlock.class);
        try {
            return block.steps();
        } catch (CorruptEventException e) {
            throw new CorruptEventException(e.getMessage() + ": " + preview(json), null);
        }
    }

    public static LifecycleEvent decodeLifecycle(byte[] json) throws CorruptEventException {
        LifecycleEvent e = decode(json, LifecycleEvent.class);
        if (e.eventId() == null) {
            throw new CorruptEventException("lifecycle event without eventId: " + preview(json), null);
        }
        return e;
    }

    /** A control request; its constructor's checks (ids, a trial id exactly for CANCEL_TRIAL) reject bad ones. */
    public static ControlEvent decodeControl(byte[] json) throws CorruptEventException {
        return decode(json, ControlEvent.class);
    }

    private static <T> T decode(byte[] json, Class<T> type) throws CorruptEventException {
        if (json == null) {
            throw new CorruptEventException("empty record value", null);
        }
        T value;
        try {
            value = MAPPER.readValue(json, type);
        } catch (IOException | RuntimeException e) {
            throw new CorruptEventException("not a valid " + type.getSimpleName() + ": " + e.getMessage()
                    + " in " + preview(json), e);
        }
        int version = value instanceof StepMetric s ? s.schemaVersion()
                : value instanceof StepBlock b ? b.schemaVersion()
                : value instanceof ControlEvent c ? c.schemaVersion() : ((LifecycleEvent) value).schemaVersion();
        if (version != SCHEMA_VERSION) {
            throw new CorruptEventException("unsupported schema version " + version + " (this build reads "
                    + SCHEMA_VERSION + "): " + preview(json), null);
        }
        return value;
    }

    private static String preview(byte[] json) {
        String s = new String(json, StandardCharsets.UTF_8);
        return s.length() > 200 ? s.substring(0, 200) + "..." : s;
    }
}
