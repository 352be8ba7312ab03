package io.hpo.space.spec;

import java.io.Serializable;
import java.util.Objects;

/**
 * @param type       search strategy
 * @param gridPoints values per continuous range (and per integer range wider than this) in a grid search
 * @param tpe        settings of the tpe strategy (kept, and ignored, for the others)
 * @param gp         settings of the gp strategy (kept, and ignored, for the others)
 */
public record StrategySpec(StrategyType type, int gridPoints, TpeSpec tpe, GpSpec gp) implements Serializable {

    public StrategySpec {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(tpe, "tpe");
        Objects.requireNonNull(gp, "gp");
        if (gridPoints < SpecLimits.MIN_GRID_POINTS || gridPoints > SpecLimits.MAX_GRID_POINTS) {
            throw new IllegalArgumentException("gridPoints must be in [" + SpecLimits.MIN_GRID_POINTS + ", "
                    + SpecLimits.MAX_GRID_POINTS + "], got " + gridPoints);
        }
    }

    /** A strategy whose gp settings follow tpe's: a spec's startup_trials and multi_fidelity serve both. */
    public StrategySpec(StrategyType type, int gridPoints, TpeSpec tpe) {
        this(type, gridPoints, tpe, new GpSpec(tpe.startupTrials(), tpe.multiFidelity()));
    }

    /** A strategy with the default tpe and gp settings. */
    public StrategySpec(StrategyType type, int gridPoints) {
        this(type, gridPoints, TpeSpec.defaults());
    }
}
