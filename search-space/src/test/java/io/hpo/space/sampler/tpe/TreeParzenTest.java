package io.hpo.space.sampler.tpe;

import org.junit.jupiter.api.Test;

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

    @Test
    void conditionalCoordinatesExistOnlyUnderTheirParentAndTheGoodBranchWins() {
        TreeParzen tpe = new TreeParzen(CONDITIONAL, 24);
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
                Dimension.numeric("lr"), Dimension.numeric("x").when(0, Set.of(0))), 24));
        assertThrows(IllegalArgumentException.class, () -> new TreeParzen(List.of(
                Dimension.numeric("x").when(1, Set.of(0)), Dimension.categorical("c", 2)), 24));
    }
}
