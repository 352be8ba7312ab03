package io.hpo.driver;

import io.hpo.events.LifecycleType;
import io.hpo.worker.trial.TrialOutcome;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrialOutcomesTest {

    @Test
    void everyOutcomeEndsWithATerminalEventThatNamesItBack() {
        for (TrialOutcome outcome : TrialOutcome.values()) {
            LifecycleType event = TrialOutcomes.terminalEvent(outcome);
            assertTrue(event.isTrialTerminal(), event.name());
            assertEquals(outcome, TrialOutcomes.of(event));
        }
        assertThrows(IllegalArgumentException.class, () -> TrialOutcomes.of(LifecycleType.TRIAL_STARTED));
    }
}
