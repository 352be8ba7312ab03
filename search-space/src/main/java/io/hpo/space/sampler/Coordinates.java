package io.hpo.space.sampler;

import io.hpo.space.Hyperparameters;
import io.hpo.space.params.HyperparameterSpace;
import io.hpo.space.sampler.numeric.Dimension;
import io.hpo.space.spec.ParamSpec;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Maps configurations to the points TPE works on and back to Arbiter's candidate vectors. There is one coordinate
 * per slot of the {@link HyperparameterSpace} vector: a choice becomes a categorical coordinate (its index), any
 * range a numeric one in [0, 1] placed as Arbiter's leaf reads it (log ranges in log space, an integer k of
 * [min, max] at the middle of its cell). Conditional hyperparameters come after all others, so that each parent
 * precedes its children as TPE requires; while its parent excludes it, a coordinate is NaN (missing).
 */
final class Coordinates {

    private final List<String> names = new ArrayList<>();
    private final List<ParamSpec> specs = new ArrayList<>();
    private final List<Dimension> dimensions = new ArrayList<>();
    /** The candidate vector slot of each coordinate. */
    private final List<Integer> slots = new ArrayList<>();

    Coordinates(Map<String, ParamSpec> params) {
        HyperparameterSpace space = new HyperparameterSpace(params);
        List<String> searched = new ArrayList<>();
        space.getNestedSpaces().forEach((name, leaf) -> {
            if (leaf.numParameters() > 0) {
                searched.add(name);
            }
        });
        for (boolean conditional : new boolean[]{false, true}) {
            for (String name : searched) {
                ParamSpec p = space.specs().get(name);
                if ((p instanceof ParamSpec.Conditional) == conditional) {
                    add(name, p, searched.indexOf(name));
                }
            }
        }
    }

    private void add(String name, ParamSpec p, int slot) {
        Dimension dim = p.sampled() instanceof ParamSpec.Choice c ? Dimension.categorical(name, c.values().size())
                : Dimension.numeric(name);
        if (p instanceof ParamSpec.Conditional c) {
            int parent = names.indexOf(c.parent());
            List<Object> parentChoices = ((ParamSpec.Choice) specs.get(parent)).values();
            Set<Integer> active = new HashSet<>();
            c.parentValues().forEach(v -> active.add(parentChoices.indexOf(v)));
            dim = dim.when(parent, active);
        }
        names.add(name);
        specs.add(p);
        dimensions.add(dim);
        slots.add(slot);
    }

    List<Dimension> dimensions() {
        return dimensions;
    }

    double[] encode(Hyperparameters hp) {
        Map<String, Object> values = hp.toMap();
        double[] point = new double[names.size()];
        for (int d = 0; d < point.length; d++) {
            ParamSpec p = specs.get(d);
            boolean inactive = p instanceof ParamSpec.Conditional c && !c.isActiveIn(values);
            point[d] = inactive ? Double.NaN : encode(p.sampled(), values.get(names.get(d)));
        }
        return point;
    }

    /** The Arbiter candidate vector (entries in [0, 1]) of a point; a missing coordinate's slot is not read. */
    double[] candidateVector(double[] point) {
        double[] vector = new double[point.length];
        for (int d = 0; d < point.length; d++) {
            double v = point[d];
            vector[slots.get(d)] = Double.isNaN(v) ? 0.5
                    : specs.get(d).sampled() instanceof ParamSpec.Choice c ? (v + 0.5) / c.values().size() : v;
        }
        return vector;
    }

    private static double encode(ParamSpec spec, Object value) {
        if (spec instanceof ParamSpec.Choice c) {
            return c.values().indexOf(value);
        }
        double v = ((Number) value).doubleValue();
        if (spec instanceof ParamSpec.Uniform u) {
            return (v - u.min()) / (u.max() - u.min());
        }
        if (spec instanceof ParamSpec.LogUniform l) {
            return Math.log(v / l.min()) / Math.log(l.max() / l.min());
        }
        ParamSpec.IntRange r = (ParamSpec.IntRange) spec;
        return (v - r.min() + 0.5) / ((double) r.max() - r.min() + 1);
    }
}
