package io.hpo.space.pareto;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Fronts, crowding and the two-objective hypervolume on points worked out by hand. */
class ParetoTest {

    private static double[] p(double... xs) {
        return xs;
    }

    @Test
    void frontsPeelInOrderAndTiesShareAFront() {
        List<double[]> points = List.of(p(1, 5), p(2, 2), p(2, 2), p(3, 3), p(5, 1), p(4, 4), p(1, 6));

        assertEquals(List.of(List.of(0, 1, 2, 4), List.of(6, 3), List.of(5)), NondominatedSort.fronts(points, 100));
        assertEquals(List.of(List.of(0, 1, 2, 4)), NondominatedSort.fronts(points, 4), "stops once enough");
        assertEquals(List.of(0, 1, 2, 4), NondominatedSort.firstFront(points));
    }

    @Test
    void threeObjectivesDominateOnlyWhenNoWorseInAll() {
        List<double[]> points = List.of(p(1, 1, 9), p(2, 2, 1), p(2, 2, 2), p(1, 2, 9));

        assertEquals(List.of(List.of(0, 1), List.of(3, 2)), NondominatedSort.fronts(points, 100));
    }

    @Test
    void crowdingKeepsTheExtremesThenTheWidestGaps() {
        List<double[]> points = List.of(p(0, 10), p(1, 9), p(2, 5), p(8, 1), p(10, 0));
        List<Integer> front = List.of(0, 1, 2, 3, 4);

        assertEquals(List.of(0, 4, 2), CrowdingDistance.mostIsolated(points, front, 3));
    }

    @Test
    void hypervolumeIsTheUnionOfRectanglesUpToTheReference() {
        double[] reference = {4, 4};

        assertEquals(0, Hypervolume.of(List.of(), reference));
        assertEquals(6, Hypervolume.of(List.of(p(1, 2)), reference));
        // (1,3) and (3,1): 3 + 3 - their overlap 1; a dominated point and one past the reference add nothing
        assertEquals(5, Hypervolume.of(List.of(p(3, 1), p(1, 3), p(3, 3), p(0, 5)), reference));
    }
}
