package io.hpo.aggregator.scaling;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ScalingFitTest {

    /** Hoffmann et al.'s fitted law, in nats. */
    static final ScalingLaw CHINCHILLA = new ScalingLaw(1.69, 406.4, 0.34, 410.7, 0.28);

    /** Trials on a grid of model and data sizes, each loss off the law by a relative noise of {@code noise} (sd). */
    static List<ScalingPoint> trials(ScalingLaw law, double[] sizes, double[] tokens, double noise, long seed) {
        Random random = new Random(seed);
        List<ScalingPoint> points = new ArrayList<>();
        for (double n : sizes) {
            for (double d : tokens) {
                double loss = law.predict(n, d) * Math.exp(noise * random.nextGaussian());
                points.add(new ScalingPoint("t" + points.size(), n, d, loss));
            }
        }
        return points;
    }

    static final double[] SIZES = {1e6, 3e6, 1e7, 3e7, 1e8, 3e8};
    static final double[] TOKENS = {1e8, 3e8, 1e9, 3e9, 1e10};

    @Test
    void recoversTheExponentsAndTheIrreducibleLossFromNoisyTrials() {
        List<ScalingPoint> points = trials(CHINCHILLA, SIZES, TOKENS, 0.01, 7);
        ScalingLaw fitted = ScalingFit.fit(points, ScalingFit.Terms.of(points));

        assertEquals(0.34, fitted.alpha(), 0.06, fitted.toString());
        assertEquals(0.28, fitted.beta(), 0.06, fitted.toString());
        assertEquals(1.69, fitted.e(), 0.15, fitted.toString());
        for (ScalingPoint p : points) {
            assertEquals(CHINCHILLA.predict(p.parameters(), p.tokens()), fitted.predict(p.parameters(), p.tokens()),
                    0.03 * p.loss(), "the fit reproduces the law within the noise at " + p);
        }
    }

    @Test
    void aFewWildTrialsPullTheFitLittle() {
        List<ScalingPoint> points = new ArrayList<>(trials(CHINCHILLA, SIZES, TOKENS, 0.005, 3));
        for (int i = 0; i < 3; i++) {
            ScalingPoint p = points.get(i * 7);
            points.set(i * 7, new ScalingPoint(p.trialId(), p.parameters(), p.tokens(), p.loss() * 3));
        }
        ScalingLaw fitted = ScalingFit.fit(points, ScalingFit.Terms.of(points));

        assertEquals(0.34, fitted.alpha(), 0.06, fitted.toString());
        assertEquals(0.28, fitted.beta(), 0.06, fitted.toString());
    }

    @Test
    void withOneDataSizeOnlyTheModelTermIsFitted() {
        ScalingLaw modelOnly = new ScalingLaw(1.2, 200, 0.4, 0, 0);
        List<ScalingPoint> points = trials(modelOnly, SIZES, new double[]{5e8}, 0.003, 11);
        ScalingFit.Terms terms = ScalingFit.Terms.of(points);

        assertTrue(terms.model());
        assertFalse(terms.data());
        ScalingLaw fitted = ScalingFit.fit(points, terms);
        assertFalse(fitted.hasDataTerm());
        assertEquals(0.4, fitted.alpha(), 0.05, fitted.toString());
        assertEquals(1.2, fitted.e(), 0.1, fitted.toString());
    }

    @Test
    void theSameTrialsGiveTheSameFit() {
        List<ScalingPoint> points = trials(CHINCHILLA, SIZES, TOKENS, 0.02, 5);
        assertEquals(ScalingFit.fit(points, ScalingFit.Terms.of(points)),
                ScalingFit.fit(points, ScalingFit.Terms.of(points)));
    }

    @Test
    void huberIsQuadraticNearZeroAndLinearBeyondItsThreshold() {
        assertEquals(0.5 * 1e-8, ScalingFit.huber(1e-4), 1e-20);
        assertTrue(ScalingFit.HUBER_DELTA > 1e-4);
        double d = ScalingFit.HUBER_DELTA;
        assertEquals(d * (0.5 - 0.5 * d), ScalingFit.huber(-0.5), 1e-15);
        assertEquals(0.5 * d * d, ScalingFit.huber(d), 1e-18, "continuous at the threshold");
    }

    @Test
    void aBudgetGoesToTheModelAndDataSizesThatMinimiseThePredictedLoss() {
        ScalingLaw.Allocation best = CHINCHILLA.allocate(1e21);

        assertEquals(1e21, 6 * best.parameters() * best.tokens(), 1e21 * 1e-9);
        for (double shift : new double[]{0.5, 0.8, 1.25, 2}) {
            double n = best.parameters() * shift;
            assertTrue(CHINCHILLA.predict(n, 1e21 / 6 / n) > best.loss(), "N × " + shift + " predicts a higher loss");
        }
    }
}
