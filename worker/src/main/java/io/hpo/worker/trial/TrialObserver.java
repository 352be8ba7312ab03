package io.hpo.worker.trial;

/** Hears a running trial's validation evaluations on the driver: the search publishes them and its pruner judges them. */
@FunctionalInterface
public interface TrialObserver {
    void evaluated(long step, double validationLoss, long tokensSeen);
}
