package io.hpo.worker.trial;

/** Hears a running trial on the driver: the search publishes its evaluations and its pruner judges them. */
@FunctionalInterface
public interface TrialObserver {
    void evaluated(long step, double validationLoss, long tokensSeen);

    /**
     * Called once the trial's model is built, before its first step is taken anywhere: the search makes the
     * attempt's start durable here, so that waiting for the broker overlaps building the model.
     */
    default void aboutToTrain() {
    }
}
