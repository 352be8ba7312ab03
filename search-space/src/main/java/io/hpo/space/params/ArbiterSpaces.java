package io.hpo.space.params;

import io.hpo.space.spec.ParamSpec;
import org.deeplearning4j.arbiter.optimize.api.ParameterSpace;
import org.deeplearning4j.arbiter.optimize.distribution.LogUniformDistribution;
import org.deeplearning4j.arbiter.optimize.parameter.FixedValue;
import org.deeplearning4j.arbiter.optimize.parameter.continuous.ContinuousParameterSpace;
import org.deeplearning4j.arbiter.optimize.parameter.discrete.DiscreteParameterSpace;
import org.deeplearning4j.arbiter.optimize.parameter.integer.IntegerParameterSpace;

/** Maps one {@link ParamSpec} to the Arbiter leaf space that samples it. */
public final class ArbiterSpaces {

    private ArbiterSpaces() {
    }

    /**
     * A new Arbiter space for {@code spec}. Ranges whose ends coincide become {@link FixedValue}: commons-math and
     * Arbiter reject empty intervals, and a fixed value takes no slot in the candidate vector.
     */
    public static ParameterSpace<?> of(ParamSpec spec) {
        if (spec instanceof ParamSpec.Fixed f) {
            return new FixedValue<>(f.value());
        }
        if (spec instanceof ParamSpec.Uniform u) {
            return u.min() == u.max() ? new FixedValue<>(u.min()) : new ContinuousParameterSpace(u.min(), u.max());
        }
        if (spec instanceof ParamSpec.LogUniform l) {
            return l.min() == l.max() ? new FixedValue<>(l.min())
                    : new ContinuousParameterSpace(new LogUniformDistribution(l.min(), l.max()));
        }
        if (spec instanceof ParamSpec.IntRange r) {
            return r.min() == r.max() ? new FixedValue<>(r.min()) : new IntegerParameterSpace(r.min(), r.max());
        }
        ParamSpec.Choice c = (ParamSpec.Choice) spec;
        return new DiscreteParameterSpace<>(c.values());
    }
}
