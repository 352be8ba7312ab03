package io.hpo.space;

/** Optimizers a trial can use; weight decay is applied decoupled from the update (AdamW-style) for all of them. */
public enum Optimizer {
    ADAM,
    SGD,
    NESTEROVS,
    RMSPROP
}
