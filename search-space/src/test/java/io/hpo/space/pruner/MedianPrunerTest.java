package io.hpo.space.pruner;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MedianPrunerTest {

    @Test
    void stopsATrialWorseThanTheMedianAtTheSameStepOnceStartupTrialsEnded() {
        MedianPruner median = new MedianPruner(2, 20);
        assertFalse(median.report("t1", 10, 3.0).prune());
        assertFalse(median.report("t1", 20, 2.0).prune());
        median.trialEnded("t1");
        assertFalse(median.report("t2", 10, 2.0).prune());
        assertFalse(median.report("t2", 20, 1.8).prune(), "one trial ended: still in start-up");
        median.trialEnded("t2");

        assertFalse(median.report("t3", 10, 9.0).prune(), "step 10 is before the warm-up ends");
        PruneDecision d = median.report("t3", 20, 1.95);
        assertTrue(d.prune(), "1.95 is worse than the median 1.9 of 2.0 and 1.8");
        assertTrue(d.reason().contains("median"), d.reason());
        assertFalse(median.report("t4", 20, 1.85).prune(), "1.85 beats the median 1.95 of 2.0, 1.8, 1.95");
    }

    @Test
    void usesTheTrialsBestLossSoFar() {
        MedianPruner median = new MedianPruner(1, 0);
        median.report("t1", 10, 2.0);
        median.report("t1", 20, 2.0);
        median.trialEnded("t1");
        assertFalse(median.report("t2", 10, 1.5).prune());
        assertFalse(median.report("t2", 20, 2.1).prune(), "its best, 1.5, beats 2.0");
    }
}
