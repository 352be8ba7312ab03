package io.hpo.space.pruner;

/** Every trial trains its full budget. */
public final class NoPruner implements Pruner {

    @Override
    public PruneDecision report(String trialId, long step, double loss) {
        return PruneDecision.CONTINUE;
    }

    @Override
    public void trialEnded(String trialId) {
    }
}
