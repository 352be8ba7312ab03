package io.hpo.space.sampler;

import io.hpo.space.Hyperparameters;
import io.hpo.space.params.HyperparameterSpace;
import io.hpo.space.sampler.tpe.Dimension;
import io.hpo.space.spec.ParamSpec;
import io.hpo.space.spec.SearchSpec;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Maps configurations to the points TPE works on and back to Arbiter's candidate vectors. There is one coordinate
 * per slot of the {@link HyperparameterSpace} vector: a choice becomes a categorical coordinate (its index), any
 * range a numeric one in [0, 1] placed as Arbiter's leaf reads it (log ranges in log space, an integer k of
 * [min, max] at the middle of its cell).
 */
final class Coordinates {

    private final List<String> names = new ArrayList<>();
    private final List<ParamSpec> specs = new ArrayList<>();
    private final List<Dimension> dimensions = new ArrayList<>();

    Coordinates(SearchSpec spec) {
        HyperparameterSpace space = HyperparameterSpace.of(spec);
        space.getNestedSpaces().forEach((name, leaf) -> {
            if (leaf.numParameters() == 0) {
                return;
            }
            ParamSpec p = space.specs().get(name);
            names.add(name);
            specs.add(p);
            dimensions.add(p instanceof ParamSpec.Choice c ? Dimension.categorical(name, c.values().size())
                    : Dimension.numeric(name));
        });
    }

    List<Dimension> dimensions() {
        return dimensions;
    }

    double[] encode(Hyperparameters hp) {
        Map<String, Object> values = hp.toMap();
        double[] point = new double[names.size()];
        for (int d = 0; d < point.length; d++) {
            point[d] = encode(specs.get(d), values.get(names.get(d)));
        }
        return point;
    }

    /** The Arbiter candidate vector (entries in [0, 1]) of a point. */
    double[] candidateVector(double[] point) {
        double[] vector = new double[point.length];
        for (int d = 0; d < point.length; d++) {
            vector[d] = specs.get(d) instanceof ParamSpec.Choice c ? (point[d] + 0.5) / c.values().size() : point[d];
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
