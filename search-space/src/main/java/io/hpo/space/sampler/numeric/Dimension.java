package io.hpo.space.sampler.numeric;

import java.util.Objects;
import java.util.Set;

/**
 * One coordinate of a model-based sampler's point (TPE, Gaussian process). A numeric coordinate lies in [0, 1]
 * (the caller maps its range, log ranges in log space); a categorical one holds a category index. A conditional
 * coordinate exists only while its parent, an earlier categorical coordinate, takes one of the given categories;
 * elsewhere it is NaN.
 *
 * @param name       for messages
 * @param categories number of categories; 0 for a numeric coordinate
 * @param parent     index of the parent coordinate, or -1 when unconditional
 * @param activeWhen the parent's categories under which this coordinate exists (empty when unconditional)
 */
public record Dimension(String name, int categories, int parent, Set<Integer> activeWhen) {

    public Dimension {
        Objects.requireNonNull(name, "name");
        activeWhen = Set.copyOf(activeWhen);
        if (categories < 0) {
            throw new IllegalArgumentException("categories must be >= 0");
        }
        if (parent < -1 || (parent == -1) != activeWhen.isEmpty()) {
            throw new IllegalArgumentException(name + ": a conditional dimension needs a parent and its categories");
        }
    }

    public static Dimension numeric(String name) {
        return new Dimension(name, 0, -1, Set.of());
    }

    public static Dimension categorical(String name, int categories) {
        if (categories < 1) {
            throw new IllegalArgumentException(name + ": needs at least one category");
        }
        return new Dimension(name, categories, -1, Set.of());
    }

    /** This dimension, existing only when coordinate {@code parent} takes one of {@code categories}. */
    public Dimension when(int parent, Set<Integer> categories) {
        return new Dimension(name, this.categories, parent, categories);
    }

    public boolean isCategorical() {
        return categories > 0;
    }

    /** Whether this coordinate exists in a point whose earlier coordinates are already set. */
    public boolean isActiveIn(double[] point) {
        if (parent < 0) {
            return true;
        }
        double p = point[parent];
        return !Double.isNaN(p) && activeWhen.contains((int) p);
    }
}
