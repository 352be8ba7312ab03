package io.hpo.space.pruner;

/**
 * Decides whether a running trial goes on, from the validation evaluations of all trials. Trials report from their
 * own threads, so implementations are thread-safe.
 */
public interface Pruner {

    /** Records that {@code trialId} reached {@code loss} at {@code step} and says whether it stops now. */
    PruneDecision report(String trialId, long step, double loss);

    /** {@code trialId} ended (completed, pruned, diverged or failed); it reports no more. */
    void trialEnded(String trialId);
}
