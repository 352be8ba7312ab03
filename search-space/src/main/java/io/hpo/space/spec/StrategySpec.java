package io.hpo.space.spec;

import java.io.Serializable;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;

/**
 * @param type       search strategy
 * @param gridPoints values per continuous range (and per integer range wider than this) in a grid search
 * @param tpe        settings of the tpe strategy (kept, and ignored, for the others)
 * @param gp         settings of the gp strategy (kept, and ignored, for the others)
 * @param pbt        settings of the pbt strategy (kept, and ignored, for the others)
 * @param warmStart  ids of earlier searches whose finished trials the model-based samplers (tpe, gp) learn from
 *                   before this search's own; random and grid ignore them
 */
public record StrategySpec(StrategyType type, int gridPoints, TpeSpec tpe, GpSpec gp, PbtSpec pbt,
                           List<String> warmStart) implements Serializable {

    public StrategySpec {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(tpe, "tpe");
        Objects.requireNonNull(gp, "gp");
        Objects.requireNonNull(pbt, "pbt");
        warmStart = List.copyOf(warmStart);
        if (new HashSet<>(warmStart).size() != warmStart.size()) {
            throw new IllegalArgumentException("warm_start lists a search twice: " + warmStart);
        }
        if (gridPoints < SpecLimits.MIN_GRID_POINTS || gridPoints > SpecLimits.MAX_GRID_POINTS) {
            throw new IllegalArgumentException("gridPoints must be in [" + SpecLimits.MIN_GRID_POINTS + ", "
                    + SpecLimits.MAX_GRID_POINTS + "], got " + gridPoints);
        }
    }

    /**
     * A strategy whose gp settings follow tpe's (a spec's startup_trials and multi_fidelity serve both), warm-started
     * from the searches {@code warmStart} names.
     */
    public StrategySpec(StrategyType type, int gridPoints, TpeSpec tpe, PbtSpec pbt, List<String> warmStart) {
        this(type, gridPoints, tpe, new GpSpec(tpe.startupTrials(), tpe.multiFidelity()), pbt, warmStart);
    }

    /** As {@link #StrategySpec(StrategyType, int, TpeSpec, PbtSpec, List)} with the default pbt settings. */
    public StrategySpec(StrategyType type, int gridPoints, TpeSpec tpe, List<String> warmStart) {
        this(type, gridPoints, tpe, PbtSpec.defaults(), warmStart);
    }

    /** A strategy whose gp settings follow tpe's, without a warm start. */
    public StrategySpec(StrategyType type, int gridPoints, TpeSpec tpe) {
        this(type, gridPoints, tpe, SpecDefaults.WARM_START);
    }

    /** A strategy with the default tpe and gp settings. */
    public StrategySpec(StrategyType type, int gridPoints) {
        this(type, gridPoints, TpeSpec.defaults());
    }

    /** Whether the strategy learns from earlier trials, so that a warm start feeds it. */
    public boolean learnsFromHistory() {
        return type == StrategyType.TPE || type == StrategyType.GP;
    }
}
