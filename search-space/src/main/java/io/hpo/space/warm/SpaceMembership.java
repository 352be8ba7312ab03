package io.hpo.space.warm;

import io.hpo.space.spec.Constraint;
import io.hpo.space.spec.ParamSpec;

import java.util.List;
import java.util.Map;

/**
 * Whether a configuration is one a space could have suggested: each hyperparameter equal to its fixed value, inside
 * its range (both ends included; an integer range's values are integers anyway) or among its choices; a conditional
 * one inside its searched values while its parent includes it and equal to its {@code otherwise} value while the
 * parent excludes it (the value such a trial trained with); and every written constraint met.
 */
final class SpaceMembership {

    private SpaceMembership() {
    }

    /** @param values every hyperparameter of {@code space}, normalised as {@link ParamSpec} values are */
    static boolean contains(Map<String, ParamSpec> space, List<Constraint> constraints, Map<String, Object> values) {
        for (Map.Entry<String, ParamSpec> e : space.entrySet()) {
            Object value = values.get(e.getKey());
            ParamSpec spec = e.getValue();
            boolean inside = spec instanceof ParamSpec.Conditional c && !c.isActiveIn(values)
                    ? c.otherwise().equals(value) : admits(spec.sampled(), value);
            if (!inside) {
                return false;
            }
        }
        return constraints.stream().allMatch(c -> c.test(values));
    }

    private static boolean admits(ParamSpec spec, Object value) {
        if (spec instanceof ParamSpec.RealRange r) {
            return value instanceof Double d && d >= r.min() && d <= r.max();
        }
        if (spec instanceof ParamSpec.IntRange r) {
            return value instanceof Integer i && i >= r.min() && i <= r.max();
        }
        // a fixed value, or a choice: the values a grid would visit are all the values there are
        return spec.probe(1).contains(value);
    }
}
