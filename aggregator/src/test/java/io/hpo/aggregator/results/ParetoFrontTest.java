package io.hpo.aggregator.results;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ParetoFrontTest {

    private static ParetoFront.Point p(String id, double loss, double cost) {
        return new ParetoFront.Point(id, loss, cost);
    }

    @Test
    void keepsExactlyTheTrialsNoOtherBeatsOnBothLossAndCost() {
        Set<String> front = ParetoFront.of(List.of(p("cheap", 2.5, 1), p("mid", 2.0, 4), p("best", 1.8, 10),
                p("worse", 2.2, 5), p("costly", 1.9, 20)));
        assertEquals(Set.of("cheap", "mid", "best"), front);
    }

    @Test
    void tiesOnOneAxisGoToTheBetterOtherAxisAndIdenticalPointsShareTheFront() {
        Set<String> front = ParetoFront.of(List.of(
                p("a", 2.0, 4), p("sameLossDearer", 2.0, 8),
                p("b", 1.5, 10), p("twinOfB", 1.5, 10),
                p("sameCostWorse", 3.0, 10), p("c", 3.0, 1)));
        assertEquals(Set.of("a", "b", "twinOfB", "c"), front);
    }

    @Test
    void pointsWithoutAFiniteLossOrCostTakeNoPartAndOneTrialIsItsOwnFront() {
        assertEquals(Set.of("only"), ParetoFront.of(List.of(p("only", 3, 3), p("nan", Double.NaN, 0),
                p("inf", 0.1, Double.POSITIVE_INFINITY))));
        assertEquals(Set.of(), ParetoFront.of(List.of()));
    }
}
