package io.hpo.space.sampler;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class LatinHypercubeTest {

    @Test
    void everyStratumOfEveryCoordinateHoldsExactlyOnePoint() {
        int points = 8;
        double[][] design = LatinHypercube.design(points, 5, new Random(3));
        assertEquals(points, design.length);
        for (int d = 0; d < 5; d++) {
            boolean[] filled = new boolean[points];
            for (double[] point : design) {
                int stratum = (int) (point[d] * points);
                assertFalse(filled[stratum], "coordinate " + d + ": stratum " + stratum + " twice");
                filled[stratum] = true;
            }
        }
    }

    @Test
    void theSameGeneratorGivesTheSameDesign() {
        assertArrayEquals(LatinHypercube.design(6, 3, new Random(9)), LatinHypercube.design(6, 3, new Random(9)));
    }
}
