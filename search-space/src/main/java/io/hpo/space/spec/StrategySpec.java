package io.hpo.space.spec;

import java.io.Serializable;
import java.util.Objects;

/**
 * @param type       search strategy
 * @param gridPoints values per continuous range (and per integer range wider than this) in a grid search
 * @param tpe        settings of the tpe strategy (kept, and ignored, for the others)
 */
public record StrategySpec(StrategyType type, int gridPoints, TpeSpec tpe) implements Serializable {

    public StrategySpec {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(tpe, "tpe");
        if (gridPoints < SpecLimits.MIN_GRID_POINTS || gridPoints > SpecLimits.MAX_GRID_POINTS) {
            throw new IllegalArgumentException("gridPoints must be in [" + SpecLimits.MIN_GRID_POINTS + ", "
                    + SpecLimits.MAX_GRID_POINTS + "], got " + gridPoints);
        }
    }

    /** A strategy with the default tpe settings. */
    public StrategySpec(StrategyType type, int gridPoints) {
        this(type, gridPoints, TpeSpec.defaults());
    }
}
