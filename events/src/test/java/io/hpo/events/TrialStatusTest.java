package io.hpo.events;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrialStatusTest {

    @Test
    void everyTerminalStatusEndsWithATerminalEventThatNamesItBack() {
        for (TrialStatus status : TrialStatus.terminal()) {
            LifecycleType event = status.terminalEvent();
            assertTrue(event.isTrialTerminal(), event.name());
            assertEquals(status, TrialStatus.endedBy(event));
        }
        assertThrows(IllegalArgumentException.class, () -> TrialStatus.endedBy(LifecycleType.TRIAL_STARTED));
        assertEquals(Arrays.stream(LifecycleType.values()).filter(LifecycleType::isTrialTerminal).toList(),
                TrialStatus.terminal().stream().map(TrialStatus::terminalEvent).toList(),
                "every terminal trial event ends a trial with a status of its own");
    }

    @Test
    void onlyCreatedAndRunningAreNotTerminal() {
        assertEquals(List.of(TrialStatus.COMPLETED, TrialStatus.DIVERGED, TrialStatus.FAILED, TrialStatus.PRUNED),
                TrialStatus.terminal());
        assertFalse(TrialStatus.CREATED.isTerminal());
        assertFalse(TrialStatus.RUNNING.isTerminal());
        assertThrows(IllegalStateException.class, TrialStatus.RUNNING::terminalEvent);
    }
}
