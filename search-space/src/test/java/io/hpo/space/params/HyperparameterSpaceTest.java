package io.hpo.space.params;

import io.hpo.space.Hyperparameter;
import io.hpo.space.Hyperparameters;
import io.hpo.space.Schedule;
import io.hpo.space.spec.SearchSpec;
import io.hpo.space.spec.SpecLoader;
import org.deeplearning4j.arbiter.optimize.api.ParameterSpace;
import org.deeplearning4j.arbiter.optimize.parameter.FixedValue;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HyperparameterSpaceTest {

    private static final SearchSpec SPEC = SpecLoader.parse("""
            name: space
            space:
              learning_rate: {log_uniform: [1.0e-4, 1.0e-2]}
              dropout: {uniform: [0.1, 0.3]}
              layers: {int: [1, 4]}
              schedule: {choice: [constant, linear, cosine]}
              width: 96
            """, "inline");

    private HyperparameterSpace indexed() {
        HyperparameterSpace space = new HyperparameterSpace(SPEC.space());
        int[] indices = new int[space.numParameters()];
        Arrays.setAll(indices, i -> i);
        space.setIndices(indices);
        return space;
    }

    @Test
    @SuppressWarnings("rawtypes")
    void hasOneLeafPerVaryingHyperparameter() {
        HyperparameterSpace space = new HyperparameterSpace(SPEC.space());

        List<ParameterSpace> leaves = space.collectLeaves();
        assertEquals(4, leaves.size());
        assertEquals(4, space.numParameters());
        assertFalse(space.isLeaf());
        assertEquals(Hyperparameter.NAMES, List.copyOf(space.getNestedSpaces().keySet()));
        assertTrue(space.getNestedSpaces().get(Hyperparameter.WIDTH.name()) instanceof FixedValue);
    }

    @Test
    void mapsTheCornersOfTheUnitCubeToTheRangeEnds() {
        HyperparameterSpace space = indexed();

        // leaves in NAMES order: learning_rate, schedule, dropout, layers
        Hyperparameters low = space.getValue(new double[]{0, 0, 0, 0});
        Hyperparameters high = space.getValue(new double[]{1, 0.999, 1, 1});

        assertEquals(1.0e-4, low.learningRate());
        assertEquals(Schedule.CONSTANT, low.schedule());
        assertEquals(0.1, low.dropout());
        assertEquals(1, low.layers());
        assertEquals(1.0e-2, high.learningRate());
        assertEquals(Schedule.COSINE, high.schedule());
        assertEquals(0.3, high.dropout());
        assertEquals(4, high.layers());
        assertEquals(96, low.width());
        assertEquals(4, low.heads());
    }

    @Test
    void samplesLogUniformlyInLogSpace() {
        HyperparameterSpace space = indexed();

        double middle = space.getValue(new double[]{0.5, 0, 0, 0}).learningRate();

        assertEquals(1.0e-3, middle, 1e-12);
    }

    @Test
    void rejectsVectorsOfTheWrongLength() {
        HyperparameterSpace space = indexed();

        assertThrows(IllegalArgumentException.class, () -> space.getValue(new double[]{0.5}));
        assertThrows(IllegalArgumentException.class, () -> space.setIndices(0, 1));
    }
}
