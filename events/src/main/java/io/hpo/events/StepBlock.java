package io.hpo.events;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeader;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Consecutive steps of one worker in one trial attempt, as one record on {@link BusConfig#STEPS_TOPIC}: what
 * {@link EventPublisher} sends. A record per step made every step pay Kafka's per-record costs (the broker validates
 * each record, the consumer builds one object per record) and repeat the ids in its JSON, which measured as the
 * larger part of ingest's CPU on a small machine. The fields are column arrays of equal length. A block record carries
 * the header {@link #HEADER}; a record without it is a single {@link StepMetric} (as published before blocks).
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record StepBlock(int schemaVersion, String searchId, String trialId, int attempt, int worker, long[] step,
                        long[] tokensSeen, double[] learningRate, double[] loss, long[] wallTimeMs) {
    /** Header marking a block record; its value is the format's name. */
    public static final String HEADER = "hpo.format";
    private static final byte[] FORMAT = "step-block".getBytes(StandardCharsets.UTF_8);

    /** The steps, which must share search, trial, attempt and worker. */
    public static StepBlock of(List<StepMetric> steps) {
        StepMetric first = steps.get(0);
        int n = steps.size();
        long[] step = new long[n];
        long[] tokens = new long[n];
        double[] rates = new double[n];
        double[] losses = new double[n];
        long[] times = new long[n];
        for (int i = 0; i < n; i++) {
            StepMetric s = steps.get(i);
            if (!s.searchId().equals(first.searchId()) || !s.trialId().equals(first.trialId())
                    || s.attempt() != first.attempt() || s.worker() != first.worker()) {
                throw new IllegalArgumentException("a block holds one worker of one trial attempt: " + s
                        + " is not of " + first);
            }
            step[i] = s.step();
            tokens[i] = s.tokensSeen();
            rates[i] = s.learningRate();
            losses[i] = s.loss();
            times[i] = s.wallTimeMs();
        }
        return new StepBlock(EventCodec.SCHEMA_VERSION, first.searchId(), first.trialId(), first.attempt(),
                first.worker(), step, tokens, rates, losses, times);
    }

    /** The block's steps; throws if the block is malformed. */
    public List<StepMetric> steps() throws CorruptEventException {
        if (searchId == null || trialId == null || attempt < 1 || worker < 0 || step == null || step.length == 0) {
            throw new CorruptEventException("step block lacks search/trial id, steps, or has a bad attempt/worker", null);
        }
        int n = step.length;
        if (tokensSeen == null || learningRate == null || loss == null || wallTimeMs == null || tokensSeen.length != n
                || learningRate.length != n || loss.length != n || wallTimeMs.length != n) {
            throw new CorruptEventException("step block's columns differ in length from its " + n + " steps", null);
        }
        List<StepMetric> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            if (step[i] < 1) {
                throw new CorruptEventException("step block has step " + step[i] + " (steps count from 1)", null);
            }
            out.add(new StepMetric(schemaVersion, searchId, trialId, attempt, step[i], worker, tokensSeen[i],
                    learningRate[i], loss[i], wallTimeMs[i]));
        }
        return out;
    }

    /** Kafka record key: a trial's records land in one partition, in order, whether blocks or single steps. */
    public String key() {
        return trialId;
    }

    /** The header a block record carries. */
    public static Header header() {
        return new RecordHeader(HEADER, FORMAT);
    }

    /** Whether a steps-topic record holds a block rather than a single step. */
    public static boolean isBlock(Headers headers) {
        Header h = headers.lastHeader(HEADER);
        return h != null && Arrays.equals(h.value(), FORMAT);
    }
}
