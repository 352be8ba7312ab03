package io.hpo.events;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * What a terminal trial event (COMPLETED, DIVERGED, FAILED, PRUNED) reports. Step and tokens are nullable because
 * recorded events may lack them.
 *
 * @param step       global step reached
 * @param tokensSeen training tokens consumed
 * @param reason     why the trial diverged, failed or was pruned; null when it completed
 * @param rung       PRUNED by successive halving: the rung (0 = lowest) where the trial stopped
 * @param accounting the trial's size, data size and spend; null in events published before the driver measured them
 * @param checkpoint COMPLETED: where the trained model was saved; null when it was not
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TrialEnding(Long step, Long tokensSeen, String reason, Integer rung, TrialAccounting accounting,
                          String checkpoint) {

    /** Where the trial stopped and why; without rung, accounting or checkpoint (see the withers). */
    public static TrialEnding at(long step, long tokensSeen, String reason) {
        return new TrialEnding(step, tokensSeen, reason, null, null, null);
    }

    public TrialEnding withRung(Integer rung) {
        return new TrialEnding(step, tokensSeen, reason, rung, accounting, checkpoint);
    }

    public TrialEnding withAccounting(TrialAccounting accounting) {
        return new TrialEnding(step, tokensSeen, reason, rung, accounting, checkpoint);
    }

    public TrialEnding withCheckpoint(String checkpoint) {
        return new TrialEnding(step, tokensSeen, reason, rung, accounting, checkpoint);
    }
}
