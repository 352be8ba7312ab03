package io.hpo.space.sampler;

import io.hpo.space.Hyperparameters;
import io.hpo.space.spec.Constraint;
import io.hpo.space.spec.ParamSpec;
import io.hpo.space.spec.SearchSpec;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What a sampler sees of a spec: how each hyperparameter varies, the constraints and the seed; nothing of the
 * budget, the pruner or the data, and no other strategy's settings.
 *
 * @param searchName  for messages
 * @param params      every hyperparameter's {@link ParamSpec}, in definition order
 * @param constraints the spec's written constraints; width % heads == 0 applies on top
 */
public record SamplingSpace(String searchName, long seed, Map<String, ParamSpec> params, List<Constraint> constraints) {

    public SamplingSpace {
        params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
        constraints = List.copyOf(constraints);
    }

    public static SamplingSpace of(SearchSpec spec) {
        return new SamplingSpace(spec.name(), spec.seed(), spec.space(), spec.constraints());
    }

    /** The configuration of these values, or empty when they break width % heads == 0 or a written constraint. */
    public Optional<Hyperparameters> feasible(Map<String, Object> values) {
        if (!Constraint.WIDTH_DIVISIBLE_BY_HEADS.test(values)) {
            return Optional.empty();
        }
        Hyperparameters hp = Hyperparameters.fromMap(values);
        Map<String, Object> normalised = hp.toMap();
        return constraints.stream().allMatch(c -> c.test(normalised)) ? Optional.of(hp) : Optional.empty();
    }

    /** The constraints as written, and the one always applied, for messages. */
    String constraintsText() {
        return constraints.stream().map(Constraint::text).collect(Collectors.joining(", "))
                + (constraints.isEmpty() ? "" : ", ") + "width % heads == 0";
    }
}
