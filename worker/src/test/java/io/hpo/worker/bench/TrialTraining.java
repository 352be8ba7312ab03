package io.hpo.worker.bench;

import io.hpo.space.Hyperparameters;

/** One trial of an {@link InProcessSearch} as it trains: a step at a time, with validation evaluations between. */
interface TrialTraining {

    void step();

    /** Mean validation loss per token now; NaN or infinite once the trial diverged. */
    double validationLoss();

    /** Mean loss per token now on the test windows, which no strategy sees ({@link ThreeWaySplit}). */
    double testLoss();

    /**
     * Population-based training's exploit: from now on this trial trains {@code donor}'s model, with its optimizer
     * state and step count, under {@code hp}; the minibatches it draws stay its own.
     */
    void takeOver(TrialTraining donor, Hyperparameters hp);

    /** The model's parameter count, N of its training FLOPs. */
    long parameters();

    /** Starts trials: the {@code index}-th trial of a search trains {@code hp}. */
    interface Factory {
        TrialTraining start(Hyperparameters hp, int index);
    }
}
