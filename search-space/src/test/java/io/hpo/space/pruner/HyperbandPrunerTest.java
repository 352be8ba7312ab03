package io.hpo.space.pruner;

import io.hpo.space.spec.SpecLoader;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HyperbandPrunerTest {

    /**
     * Three brackets below a 90-step budget with reduction factor 3: bracket 0 has rungs at 10 and 30 steps,
     * bracket 1 at 30, bracket 2 none (its first rung would be the budget). Sizes 9/3 : 3/2 : 1/1 = 6 : 3 : 2.
     */
    private final HyperbandPruner hyperband = new HyperbandPruner(10, 3, 3, 90);

    private void goesOn(String trial, long step, double loss) {
        PruneDecision d = hyperband.report(trial, step, loss);
        assertFalse(d.prune(), trial + " at " + step + ": " + d.reason());
    }

    private void stopsAtRung(String trial, long step, double loss, int bracket, int rung) {
        PruneDecision d = hyperband.report(trial, step, loss);
        assertTrue(d.prune(), trial + " at " + step + " should stop");
        assertEquals(rung, d.rung());
        assertTrue(d.reason().startsWith("hyperband bracket " + bracket + ", asha rung " + rung), d.reason());
    }

    @Test
    void bracketsStartTheirRungsOneReductionLater() {
        assertArrayEquals(new long[][]{{10, 30}, {30}, {}}, hyperband.rungSteps());
        assertEquals(3, HyperbandPruner.bracketsThatFit(10, 3, 90));
        assertEquals(3, HyperbandPruner.bracketsThatFit(10, 3, 100));
        assertEquals(4, HyperbandPruner.bracketsThatFit(10, 3, 270));
        assertEquals(1, HyperbandPruner.bracketsThatFit(50, 2, 50));
        assertEquals(0, HyperbandPruner.bracketsThatFit(60, 2, 50));
    }

    @Test
    void aSpecWithoutBracketsGetsAllThatFitFromEvalEvery() {
        Pruner pruner = Pruners.forSpec(SpecLoader.parse("name: h\nbudget: {max_steps_per_trial: 100}\n"
                + "training: {eval_every: 10}\npruner: {type: hyperband}\n", "h"));

        assertArrayEquals(new long[][]{{10, 30, 90}, {30, 90}, {90}}, ((HyperbandPruner) pruner).rungSteps());
    }

    @Test
    void trialsJoinBracketsInProportionToHyperbandsSizesInterleaved() {
        List<Integer> joined = new ArrayList<>();
        for (int i = 0; i < 22; i++) {
            hyperband.report("t" + i, 10, 1.0);
            joined.add(hyperband.bracketOf("t" + i));
        }
        List<Integer> cycle = List.of(0, 1, 0, 2, 0, 1, 0, 2, 0, 1, 0);
        List<Integer> twice = new ArrayList<>(cycle);
        twice.addAll(cycle);
        assertEquals(twice, joined);
        assertEquals(-1, hyperband.bracketOf("never reported"));
    }

    @Test
    void aTrialStaysInItsBracketUntilItEnds() {
        goesOn("a", 10, 1.0);   // bracket 0
        goesOn("b", 10, 1.0);   // bracket 1
        goesOn("a", 20, 1.0);
        assertEquals(0, hyperband.bracketOf("a"));
        hyperband.trialEnded("a");
        assertEquals(-1, hyperband.bracketOf("a"));
        assertEquals(1, hyperband.bracketOf("b"));
    }

    @Test
    void eachBracketRanksOnlyItsOwnTrialsAtItsOwnRungs() {
        goesOn("t1", 10, 2.0);             // bracket 0, rung 0: [2.0]
        goesOn("t2", 10, 5.0);             // bracket 1: no rung at 10, however bad
        stopsAtRung("t3", 10, 3.0, 0, 0);  // bracket 0, rung 0: [2.0, 3.0], best 1 go on
        goesOn("t4", 10, 9.0);             // bracket 2: no rungs at all
        goesOn("t5", 10, 1.0);             // bracket 0, rung 0: [2.0, 3.0, 1.0], 1.0 ranks 1
        goesOn("t6", 10, 4.0);             // bracket 1
        goesOn("t2", 30, 4.0);             // bracket 1, rung 0 (step 30): [4.0]
        goesOn("t1", 30, 5.0);             // bracket 0, rung 1 (step 30): [5.0], bracket 1's 4.0 not among them
        stopsAtRung("t6", 30, 4.5, 1, 0);  // bracket 1, rung 0: [4.0, 4.5]
        stopsAtRung("t5", 30, 6.0, 0, 1);  // bracket 0, rung 1: [5.0, 6.0]
        goesOn("t4", 30, 9.0);
        goesOn("t4", 90, 9.0);             // bracket 2 trains to the budget
    }
}
