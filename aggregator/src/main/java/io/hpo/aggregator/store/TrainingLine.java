package io.hpo.aggregator.store;

import com.fasterxml.jackson.annotation.JsonFormat;

import java.util.List;

/**
 * A trial's curve as the charts draw it: training loss (mean over workers per step) and validation loss, finite
 * values only. When the steps asked for outnumber the points asked for, the training line is downsampled: each of
 * points/2 equal step buckets keeps its lowest and its highest mean loss, in step order, so spikes and divergence
 * still show. Evaluations are few and always exact.
 */
public record TrainingLine(String trialId, boolean downsampled, List<Point> train, List<Point> validation) {

    /** A point, written as {@code [step, loss]} to keep long curves small. */
    @JsonFormat(shape = JsonFormat.Shape.ARRAY)
    public record Point(long step, double loss) {
    }
}
