package io.hpo.space.sampler.tpe;

import io.hpo.space.sampler.numeric.Dimension;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TreeParzenTest {

    /** optimizer in {sgd, adam}; momentum exists only under sgd, beta2 only under adam */
    private static final List<Dimension> CONDITIONAL = List.of(
            Dimension.categorical("optimizer", 2),
            Dimension.numeric("momentum").when(0, Set.of(0)),
            Dimension.numeric("beta2").when(0, Set.of(1)));

    /** adam with beta2 near 0.8 is best; sgd is worse however momentum is set */
    private static double loss(double[] p) {
        return p[0] == 1 ? Math.abs(p[2] - 0.8) : 0.5 + Math.abs(p[1] - 0.5);
    }

    @ParameterizedTest(name = "joint {0}")
    @ValueSource(booleans = {true, false})
    void conditionalCoordinatesExistOnlyUnderTheirParentAndTheGoodBranchWins(boolean joint) {
        TreeParzen tpe = new TreeParzen(CONDITIONAL, 24, joint);
        Random rng = new Random(3);
        List<double[]> observed = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            int branch = rng.nextInt(2);
            observed.add(new double[]{branch, branch == 0 ? rng.nextDouble() : Double.NaN,
                    branch == 1 ? rng.nextDouble() : Double.NaN});
        }
        int adam = 0;
        for (int i = 0; i < 40; i++) {
            List<double[]> ranked = new ArrayList<>(observed);
            ranked.sort(Comparator.comparingDouble(TreeParzenTest::loss));
            int good = (int) Math.ceil(0.25 * ranked.size());
            double[] p = tpe.suggest(ranked.subList(0, good), ranked.subList(good, ranked.size()), rng, x -> true)
                    .orElseThrow();
            assertEquals(p[0] == 0, !Double.isNaN(p[1]), "momentum exists exactly under sgd");
            assertEquals(p[0] == 1, !Double.isNaN(p[2]), "beta2 exists exactly under adam");
            adam += p[0] == 1 ? 1 : 0;
            observed.add(p);
        }
        double best = observed.stream().mapToDouble(TreeParzenTest::loss).min().orElseThrow();
        assertTrue(adam >= 30, "adam suggested " + adam + " of 40 times");
        assertTrue(best < 0.02, "best " + best);
    }

    @Test
    void aParentMustBeAnEarlierCategoricalDimension() {
        assertThrows(IllegalArgumentException.class, () -> new TreeParzen(List.of(
                Dimension.numeric("lr"), Dimension.numeric("x").when(0, Set.of(0))), 24, true));
        assertThrows(IllegalArgumentException.class, () -> new TreeParzen(List.of(
                Dimension.numeric("x").when(1, Set.of(0)), Dimension.categorical("c", 2)), 24, true));
    }

    /**
     * The best learning rate depends on the batch category (low for category 0, high for 1), and the good trials
     * hold both kinds. Per-parameter densities forget which went with which and propose the crossed combinations
     * about half the time; joint densities keep proposing matched ones.
     */
    @Test
    void jointDensitiesKeepTheCombinationsGoodTrialsHad() {
        List<Dimension> space = List.of(Dimension.categorical("batch", 2), Dimension.numeric("lr"));
        Random history = new Random(5);
        List<double[]> good = new ArrayList<>();
        List<double[]> bad = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            good.add(new double[]{0, 0.1 + 0.1 * history.nextDouble()});
            good.add(new double[]{1, 0.8 + 0.1 * history.nextDouble()});
        }
        for (int i = 0; i < 24; i++) {
            bad.add(new double[]{history.nextInt(2), 0.35 + 0.3 * history.nextDouble()});
        }
        int joint = matched(new TreeParzen(space, 24, true), good, bad);
        int independent = matched(new TreeParzen(space, 24, false), good, bad);
        assertTrue(joint >= 36, "joint: " + joint + " of 40 matched");
        assertTrue(independent <= 30, "independent: " + independent + " of 40 matched");
    }

    /** Of 40 suggestions, how many pair category 0 with a low learning rate or category 1 with a high one. */
    private static int matched(TreeParzen tpe, List<double[]> good, List<double[]> bad) {
        Random rng = new Random(11);
        int count = 0;
        for (int i = 0; i < 40; i++) {
            double[] p = tpe.suggest(good, bad, rng, x -> true).orElseThrow();
            count += (p[0] == 0) == (p[1] < 0.5) ? 1 : 0;
        }
        return count;
    }
}
