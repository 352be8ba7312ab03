package io.hpo.worker.model;

import java.util.Objects;

import io.hpo.space.Schedule;
import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.shade.jackson.annotation.JsonCreator;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * Learning rate by optimizer step: linear warm-up to {@code peak} over {@code warmupSteps} steps (the first step
 * already gets {@code peak / warmupSteps}, never 0), then constant, or a linear or half-cosine decay that reaches 0
 * at {@code totalSteps}. Driven by DL4J's iteration count (0-based); the epoch is ignored.
 */
public final class WarmupDecaySchedule implements ISchedule {

    private static final long serialVersionUID = 1L;

    @JsonProperty("peak")
    private final double peak;
    @JsonProperty("warmupSteps")
    private final int warmupSteps;
    @JsonProperty("totalSteps")
    private final int totalSteps;
    @JsonProperty("decay")
    private final Schedule decay;

    @JsonCreator
    public WarmupDecaySchedule(@JsonProperty("peak") double peak, @JsonProperty("warmupSteps") int warmupSteps,
                               @JsonProperty("totalSteps") int totalSteps, @JsonProperty("decay") Schedule decay) {
        if (!(peak > 0) || warmupSteps < 0 || totalSteps < 1) {
            throw new IllegalArgumentException("need peak > 0, warmupSteps >= 0, totalSteps >= 1; got peak=" + peak
                    + ", warmupSteps=" + warmupSteps + ", totalSteps=" + totalSteps);
        }
        this.peak = peak;
        this.warmupSteps = warmupSteps;
        this.totalSteps = totalSteps;
        this.decay = Objects.requireNonNull(decay, "decay");
    }

    @Override
    public double valueAt(int iteration, int epoch) {
        if (iteration < warmupSteps) {
            return peak * (iteration + 1) / warmupSteps;
        }
        // max(1, ..): a warm-up that fills the whole run must not divide by zero
        double progress = Math.min(1.0, (double) (iteration - warmupSteps) / Math.max(1, totalSteps - warmupSteps));
        return switch (decay) {
            case CONSTANT -> peak;
            case LINEAR -> peak * (1 - progress);
            case COSINE -> peak * 0.5 * (1 + Math.cos(Math.PI * progress));
        };
    }

    /** Immutable, so sharing is a valid clone. */
    @Override
    public ISchedule clone() {
        return this;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WarmupDecaySchedule s && s.peak == peak && s.warmupSteps == warmupSteps
                && s.totalSteps == totalSteps && s.decay == decay;
    }

    @Override
    public int hashCode() {
        return Objects.hash(peak, warmupSteps, totalSteps, decay);
    }

    @Override
    public String toString() {
        return "WarmupDecaySchedule{peak=" + peak + ", warmupSteps=" + warmupSteps + ", totalSteps=" + totalSteps
                + ", decay=" + decay + "}";
    }
}
