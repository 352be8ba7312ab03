package io.hpo.worker.bench;

import io.hpo.space.Hyperparameters;
import io.hpo.space.spec.SearchSpec;

import java.util.Random;

/**
 * A trial whose losses come from a {@link SurrogateModel}: one draw per trial gives its loss at the first rung and
 * at the end; evaluations in between lie on the straight line through the two (extended before the rung).
 */
final class SurrogateTraining implements TrialTraining {

    private final double firstRungLoss;
    private final double finalLoss;
    private final long firstRungStep;
    private final long maxSteps;
    private long step;

    private SurrogateTraining(double[] losses, long firstRungStep, long maxSteps) {
        this.firstRungLoss = losses[0];
        this.finalLoss = losses[1];
        this.firstRungStep = firstRungStep;
        this.maxSteps = maxSteps;
    }

    static TrialTraining.Factory on(SurrogateModel model, SearchSpec spec, long firstRungStep) {
        return (hp, index) -> new SurrogateTraining(model.draw(hp, new Random(spec.seed() * 7919 + index)),
                firstRungStep, spec.budget().maxStepsPerTrial());
    }

    @Override
    public void step() {
        step++;
    }

    @Override
    public double validationLoss() {
        double slope = (finalLoss - firstRungLoss) / (maxSteps - firstRungStep);
        return firstRungLoss + slope * (step - firstRungStep);
    }
}
