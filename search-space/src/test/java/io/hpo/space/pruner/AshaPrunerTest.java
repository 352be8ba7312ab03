package io.hpo.space.pruner;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AshaPrunerTest {

    /** Rungs at 10, 30, 90 steps; the best max(1, floor(n / 3)) of each rung go on. */
    private final AshaPruner asha = new AshaPruner(10, 3, 0, 100);

    private void goesOn(String trial, long step, double loss) {
        PruneDecision d = asha.report(trial, step, loss);
        assertFalse(d.prune(), trial + " at " + step + ": " + d.reason());
    }

    private void stopsAtRung(String trial, long step, double loss, int rung) {
        PruneDecision d = asha.report(trial, step, loss);
        assertTrue(d.prune(), trial + " at " + step + " should stop");
        assertEquals(rung, d.rung());
    }

    @Test
    void rungsGrowByTheReductionFactorBelowTheBudget() {
        assertArrayEquals(new long[]{10, 30, 90}, asha.rungSteps());
        assertArrayEquals(new long[]{10, 30}, new AshaPruner(10, 3, 0, 90).rungSteps());
        assertArrayEquals(new long[]{30}, new AshaPruner(10, 3, 1, 90).rungSteps());
        assertArrayEquals(new long[]{20, 40, 80}, new AshaPruner(20, 2, 0, 100).rungSteps());
    }

    @Test
    void promotesTheTopThirdOfEachRungAndStopsTheRest() {
        goesOn("t1", 10, 2.0);          // rung 0: [2.0], best 1 go on
        goesOn("t1", 20, 1.7);          // between rungs: no decision
        goesOn("t1", 30, 1.5);          // rung 1: [1.5]
        stopsAtRung("t2", 10, 2.5, 0);  // rung 0: [2.0, 2.5], best 1 go on: 2.5 ranks 2
        goesOn("t3", 10, 1.8);          // rung 0: 3 losses, 1.8 ranks 1
        stopsAtRung("t3", 30, 1.6, 1);  // rung 1: [1.5, 1.6], 1.6 ranks 2
        stopsAtRung("t4", 10, 2.2, 0);  // rung 0: 4 losses, best 1 go on, 2.2 ranks 3
        stopsAtRung("t5", 10, 1.9, 0);  // rung 0: 5 losses, 1.9 ranks 2
        stopsAtRung("t6", 10, 1.95, 0); // rung 0: 6 losses, best 2 go on, 1.95 ranks 3
        goesOn("t7", 10, 1.85);         // rung 0: 7 losses, best 2 go on, 1.85 ranks 2
        goesOn("t7", 30, 1.4);          // rung 1: [1.5, 1.6, 1.4], 1.4 ranks 1
        goesOn("t1", 90, 1.2);          // rung 2: [1.2]
        stopsAtRung("t7", 90, 1.3, 2);  // rung 2: [1.2, 1.3]
        goesOn("t1", 100, 1.1);         // past the last rung: runs to its budget
    }

    @Test
    void anEvaluationPastSeveralRungsIsJudgedAtEach() {
        goesOn("t1", 10, 2.0);
        goesOn("t1", 30, 1.5);
        stopsAtRung("t2", 40, 1.6, 1);  // passes rung 0 (1.6 < 2.0), then ranks 2 of 2 at rung 1
        goesOn("t3", 40, 1.0);          // first at rung 0 and at rung 1
    }

    @Test
    void aDivergedLossRanksLast() {
        goesOn("t1", 10, 5.0);
        stopsAtRung("t2", 10, Double.NaN, 0);
    }
}
