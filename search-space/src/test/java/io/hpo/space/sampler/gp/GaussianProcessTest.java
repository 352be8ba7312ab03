package io.hpo.space.sampler.gp;

import io.hpo.space.sampler.numeric.Dimension;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GaussianProcessTest {

    private static final List<Dimension> SPACE = List.of(Dimension.numeric("lr"), Dimension.numeric("dropout"),
            Dimension.categorical("batch", 2));

    /** lr matters (a bowl at 0.7), batch 1 is 0.3 better, dropout does not matter. */
    private static double loss(double[] p) {
        return 4 * (p[0] - 0.7) * (p[0] - 0.7) - 0.3 * p[2];
    }

    private static List<double[]> points(int n, long seed) {
        Random rng = new Random(seed);
        List<double[]> points = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            points.add(new double[]{rng.nextDouble(), rng.nextDouble(), rng.nextInt(2)});
        }
        return points;
    }

    private static double[] losses(List<double[]> points) {
        return points.stream().mapToDouble(GaussianProcessTest::loss).toArray();
    }

    @Test
    void theHandWrittenGradientMatchesFiniteDifferences() {
        List<double[]> points = points(12, 1);
        double[][] x = points.toArray(double[][]::new);
        double[] y = losses(points);
        boolean[] categorical = {false, false, true};
        double[] theta = {Math.log(0.3), Math.log(0.8), Math.log(0.5), Math.log(1.3), Math.log(0.05)};
        double[] analytic = GaussianProcess.gradient(theta, categorical, x, y);
        for (int j = 0; j < theta.length; j++) {
            double[] up = theta.clone();
            double[] down = theta.clone();
            up[j] += 1e-5;
            down[j] -= 1e-5;
            double numeric = (GaussianProcess.logPosterior(up, categorical, x, y)
                    - GaussianProcess.logPosterior(down, categorical, x, y)) / 2e-5;
            assertEquals(numeric, analytic[j], 1e-4 * Math.max(1, Math.abs(numeric)), "parameter " + j);
        }
    }

    @Test
    void predictsUnseenPointsAndIsSureOnlyNearTheData() {
        List<double[]> points = points(40, 2);
        GaussianProcess gp = GaussianProcess.fit(SPACE, points, losses(points));
        for (double[] p : points(20, 3)) {
            assertEquals(loss(p), gp.predict(p)[0], 0.1, "at " + java.util.Arrays.toString(p));
        }
        double[] seen = points.get(0);
        assertTrue(gp.predict(seen)[1] < 0.1, "sd at a trial's point: " + gp.predict(seen)[1]);
        GaussianProcess fromTwo = GaussianProcess.fit(SPACE, points.subList(0, 2), losses(points.subList(0, 2)));
        double near = fromTwo.predict(points.get(0))[1];
        double far = fromTwo.predict(new double[]{1 - points.get(0)[0], 1 - points.get(0)[1], 0})[1];
        assertTrue(far > 3 * near, "sd near a trial " + near + ", far from both " + far);
    }

    /** Automatic relevance determination: the coordinate the losses ignore gets the longest length scale. */
    @Test
    void anIgnoredCoordinateLearnsALongLengthScale() {
        List<double[]> points = points(40, 4);
        GaussianProcess gp = GaussianProcess.fit(SPACE, points, losses(points));
        assertTrue(gp.lengthScale(1) > 3 * gp.lengthScale(0),
                "dropout " + gp.lengthScale(1) + " against lr " + gp.lengthScale(0));
    }

    @Test
    void theSameDataGiveTheSameFit() {
        List<double[]> points = points(15, 5);
        double[] probe = {0.4, 0.4, 1};
        assertEquals(GaussianProcess.fit(SPACE, points, losses(points)).predict(probe)[0],
                GaussianProcess.fit(SPACE, points, losses(points)).predict(probe)[0]);
    }
}
