package io.hpo.worker.outer;

import io.hpo.space.spec.OuterOptimizerSpec;
import io.hpo.space.spec.OuterOptimizerType;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The outer step on scripted rounds: start and average given, the next start checked against the formula. */
class OuterOptimizerTest {

    private static final OuterOptimizerSpec NESTEROV = new OuterOptimizerSpec(OuterOptimizerType.NESTEROV, 0.7, 0.9);

    @Test
    void plainAveragingLeavesTheAverageBitForBit() {
        OuterOptimizer plain = OuterOptimizer.of(OuterOptimizerSpec.average(), 4);
        float[] averaged = {0.1f, -3.0e-7f, 1.0f / 3, Float.MIN_VALUE};
        INDArray average = Nd4j.createFromArray(averaged.clone());

        plain.step(Nd4j.createFromArray(0.2f, 0.0f, 0.5f, 1.0f), average);

        assertFalse(plain.needsStart(), "plain averaging needs no copy of the round's start");
        assertArrayEquals(averaged, average.toFloatVector());
    }

    @Test
    void oneWorkerTakesNoOuterStepWhateverTheSpec() {
        assertSame(OuterOptimizer.of(OuterOptimizerSpec.average(), 1), OuterOptimizer.of(NESTEROV, 1));
        assertFalse(OuterOptimizer.of(NESTEROV, 1).needsStart());
        assertTrue(OuterOptimizer.of(NESTEROV, 2).needsStart());
    }

    @Test
    void nesterovFollowsItsFormulaOverRounds() {
        double lr = 0.7;
        double mu = 0.9;
        OuterOptimizer nesterov = OuterOptimizer.of(NESTEROV, 2);
        double[] start = {1.0, -2.0, 0.5};
        double[][] roundChanges = {{-0.1, 0.2, 0.0}, {-0.05, 0.1, 0.3}, {0.02, -0.4, 0.1}};
        double[] velocity = new double[3];
        for (double[] change : roundChanges) {
            INDArray average = Nd4j.createFromArray(start.clone()).addi(Nd4j.createFromArray(change));
            double[] expected = new double[3];
            for (int i = 0; i < 3; i++) {
                double g = -change[i];
                velocity[i] = mu * velocity[i] + g;
                expected[i] = start[i] - lr * (g + mu * velocity[i]);
            }

            nesterov.step(Nd4j.createFromArray(start.clone()), average);

            assertArrayEquals(expected, average.toDoubleVector(), 1e-12);
            start = average.toDoubleVector();
        }
    }

    /**
     * A population member's next interval builds its outer optimizer from the state the last one ended with: it
     * steps exactly as the one that kept going, and not as a fresh one.
     */
    @Test
    void nesterovGoneOnFromAnothersStateStepsAsThatOneWould() {
        OuterOptimizer kept = OuterOptimizer.of(NESTEROV, 2);
        double[] start = {1.0, -2.0, 0.5};
        for (double[] change : new double[][]{{-0.1, 0.2, 0.0}, {-0.05, 0.1, 0.3}}) {
            INDArray average = Nd4j.createFromArray(start.clone()).addi(Nd4j.createFromArray(change));
            kept.step(Nd4j.createFromArray(start.clone()), average);
            start = average.toDoubleVector();
        }
        OuterOptimizer goneOn = OuterOptimizer.of(NESTEROV, 2, kept.state());
        OuterOptimizer fresh = OuterOptimizer.of(NESTEROV, 2, null);
        double[] change = {0.02, -0.4, 0.1};
        INDArray[] averages = new INDArray[3];
        OuterOptimizer[] optimizers = {kept, goneOn, fresh};
        for (int i = 0; i < 3; i++) {
            averages[i] = Nd4j.createFromArray(start.clone()).addi(Nd4j.createFromArray(change));
            optimizers[i].step(Nd4j.createFromArray(start.clone()), averages[i]);
        }

        assertArrayEquals(averages[0].toDoubleVector(), averages[1].toDoubleVector(), 0.0);
        assertEquals(kept.state(), goneOn.state());
        assertFalse(Arrays.equals(averages[0].toDoubleVector(), averages[2].toDoubleVector()));
        assertNull(OuterOptimizer.of(OuterOptimizerSpec.average(), 2).state(), "plain averaging keeps nothing");
    }

    @Test
    void theFirstRoundStepsLearningRateTimesOnePlusMomentumOfTheChange() {
        INDArray average = Nd4j.createFromArray(1.1f, 0.9f);

        OuterOptimizer.of(NESTEROV, 2).step(Nd4j.createFromArray(1.0f, 1.0f), average);

        assertArrayEquals(new float[]{1.0f + 0.7f * 1.9f * 0.1f, 1.0f - 0.7f * 1.9f * 0.1f}, average.toFloatVector(),
                1e-6f);
    }

    @Test
    void parametersNoWorkerChangedStayBitIdentical() {
        float[] frozen = {0.123456789f, -7.654321f, 1.0e-30f};
        OuterOptimizer nesterov = OuterOptimizer.of(NESTEROV, 2);
        for (int round = 0; round < 3; round++) {
            INDArray start = Nd4j.create(DataType.FLOAT, 6);
            start.get(NDArrayIndex.interval(0, 3)).assign(Nd4j.createFromArray(frozen));
            INDArray average = start.dup();
            average.putScalar(4, 0.5f * (round + 1));

            nesterov.step(start, average);

            float[] after = average.toFloatVector();
            assertArrayEquals(frozen, new float[]{after[0], after[1], after[2]});
            assertEquals(0.0f, after[3]);
        }
    }
}
