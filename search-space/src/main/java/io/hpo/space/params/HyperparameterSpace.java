package io.hpo.space.params;

import io.hpo.space.Hyperparameter;
import io.hpo.space.Hyperparameters;
import io.hpo.space.spec.ParamSpec;
import org.deeplearning4j.arbiter.optimize.api.ParameterSpace;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The whole search space as one Arbiter {@link ParameterSpace} producing {@link Hyperparameters}. Arbiter 1.0.0-beta7
 * has no composite map space (only DL4J-network ones), so this composes one leaf per hyperparameter: the leaves are
 * the non-fixed hyperparameters in {@link Hyperparameter#NAMES} order, and candidate vector entry i drives leaf i
 * once indices are set (Arbiter's generators set them on construction). A conditional hyperparameter has its leaf
 * like any other; its value is replaced when its parent excludes it.
 */
public final class HyperparameterSpace implements ParameterSpace<Hyperparameters> {

    private final Map<String, ParamSpec> specs;
    private final Map<String, ParameterSpace<?>> spaces = new LinkedHashMap<>();

    public HyperparameterSpace(Map<String, ParamSpec> space) {
        if (!space.keySet().equals(new HashSet<>(Hyperparameter.NAMES))) {
            throw new IllegalArgumentException("space must name exactly " + Hyperparameter.NAMES + ", got "
                    + space.keySet());
        }
        Map<String, ParamSpec> ordered = new LinkedHashMap<>();
        for (String name : Hyperparameter.NAMES) {
            ordered.put(name, space.get(name));
            spaces.put(name, ArbiterSpaces.of(space.get(name).sampled()));
        }
        this.specs = Collections.unmodifiableMap(ordered);
    }

    /**
     * The configuration at a candidate vector (entries in [0, 1]).
     *
     * @throws IllegalArgumentException when the values break a rule of {@link Hyperparameters}, which with a
     *                                  validated spec can only be width % heads != 0
     */
    @Override
    public Hyperparameters getValue(double[] values) {
        return Hyperparameters.fromMap(valuesAt(values));
    }

    /**
     * The snake_case values at a candidate vector, before any rule is checked; a conditional hyperparameter whose
     * parent excludes it takes its otherwise value, whatever its slot holds.
     */
    public Map<String, Object> valuesAt(double[] values) {
        if (values.length != numParameters()) {
            throw new IllegalArgumentException("expected " + numParameters() + " values, got " + values.length);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        spaces.forEach((name, space) -> out.put(name, inRange(specs.get(name).sampled(), space.getValue(values))));
        return ParamSpec.Conditional.settle(specs, out);
    }

    /** The spec each hyperparameter was built from, in {@link Hyperparameter#NAMES} order. */
    public Map<String, ParamSpec> specs() {
        return specs;
    }

    @Override
    public int numParameters() {
        return collectLeaves().stream().mapToInt(ParameterSpace::numParameters).sum();
    }

    @SuppressWarnings("rawtypes")
    @Override
    public List<ParameterSpace> collectLeaves() {
        List<ParameterSpace> leaves = new ArrayList<>();
        // a FixedValue contributes no leaf: it takes no slot in the candidate vector
        spaces.values().forEach(s -> leaves.addAll(s.collectLeaves()));
        return leaves;
    }

    @SuppressWarnings("rawtypes")
    @Override
    public Map<String, ParameterSpace> getNestedSpaces() {
        return Collections.unmodifiableMap(new LinkedHashMap<>(spaces));
    }

    @Override
    public boolean isLeaf() {
        return false;
    }

    /** Hands consecutive indices to the leaves in order, as many to each as it has parameters. */
    @SuppressWarnings("rawtypes")
    @Override
    public void setIndices(int... indices) {
        if (indices.length != numParameters()) {
            throw new IllegalArgumentException("expected " + numParameters() + " indices, got " + indices.length);
        }
        int next = 0;
        for (ParameterSpace leaf : collectLeaves()) {
            int n = leaf.numParameters();
            leaf.setIndices(Arrays.copyOfRange(indices, next, next + n));
            next += n;
        }
    }

    /**
     * Inverse CDFs land a few ulps off a range end (exp(log(min)) != min); snapping those to the end keeps every
     * value inside the spec's range and makes grid end points equal the written ends.
     */
    private static Object inRange(ParamSpec spec, Object value) {
        if (spec instanceof ParamSpec.Uniform u) {
            return snap((Double) value, u.min(), u.max());
        }
        if (spec instanceof ParamSpec.LogUniform l) {
            return snap((Double) value, l.min(), l.max());
        }
        return value;
    }

    private static double snap(double value, double min, double max) {
        double tolerance = 1e-12 * Math.max(Math.abs(min), Math.abs(max));
        if (value <= min + tolerance) {
            return min;
        }
        return value >= max - tolerance ? max : value;
    }

    @Override
    public String toString() {
        return "HyperparameterSpace" + specs;
    }
}
