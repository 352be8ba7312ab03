package io.hpo.space.spec;

/** What the driver does with a round's averaged parameters before the workers start the next round from them. */
public enum OuterOptimizerType {
    /** the next round starts from the workers' average: plain parameter averaging */
    AVERAGE,
    /** Nesterov momentum on the round's averaged change, as DiLoCo's outer step (arXiv:2311.08105) */
    NESTEROV
}
