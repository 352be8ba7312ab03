package io.hpo.space.pruner;

/**
 * @param prune  whether the trial stops now
 * @param rung   the rung the trial reached when pruned by successive halving; -1 otherwise
 * @param reason why it stops; null when it goes on
 */
public record PruneDecision(boolean prune, int rung, String reason) {

    public static final PruneDecision CONTINUE = new PruneDecision(false, -1, null);

    public static PruneDecision prune(int rung, String reason) {
        return new PruneDecision(true, rung, reason);
    }
}
