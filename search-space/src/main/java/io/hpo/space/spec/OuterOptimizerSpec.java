package io.hpo.space.spec;

import java.io.Serializable;

/**
 * The outer step a trial with several workers takes at each averaging round. Over the round the workers moved the
 * parameters from {@code start} to their average; the outer step treats {@code start - average} as a gradient.
 * With one worker there is nothing to average and no outer step is taken.
 *
 * @param type         plain averaging or Nesterov momentum
 * @param learningRate scales the outer step (Nesterov only; 1 with momentum 0 is plain averaging)
 * @param momentum     share of the previous rounds' outer velocity kept (Nesterov only), in [0, 1)
 */
public record OuterOptimizerSpec(OuterOptimizerType type, double learningRate, double momentum)
        implements Serializable {

    public OuterOptimizerSpec {
        if (!(learningRate > 0 && learningRate <= SpecLimits.MAX_OUTER_LEARNING_RATE)) {
            throw new IllegalArgumentException("outer learning rate must be in (0, "
                    + SpecLimits.MAX_OUTER_LEARNING_RATE + "], got " + learningRate);
        }
        if (!(momentum >= 0 && momentum < 1)) {
            throw new IllegalArgumentException("outer momentum must be in [0, 1), got " + momentum);
        }
    }

    /** Plain parameter averaging: the behaviour of every search recorded before the outer optimizer existed. */
    public static OuterOptimizerSpec average() {
        return new OuterOptimizerSpec(OuterOptimizerType.AVERAGE, 1, 0);
    }
}
