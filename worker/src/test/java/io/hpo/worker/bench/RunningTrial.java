package io.hpo.worker.bench;

import io.hpo.space.Hyperparameters;
import io.hpo.space.cost.Spend;
import io.hpo.space.sampler.FinishedTrial;
import io.hpo.space.cost.CostSpec;

import java.util.NavigableMap;
import java.util.OptionalDouble;
import java.util.TreeMap;

/**
 * A trial of an in-process search as it trains: its steps, its evaluations (at every {@code eval_every} step and at
 * each interval's end, as the driver evaluates) and, once it ends, what the sampler and the trial log see of it.
 */
final class RunningTrial {

    private final int index;
    private final TrialTraining training;
    private final long firstRungStep;
    private final NavigableMap<Long, Double> evaluations = new TreeMap<>();
    private Hyperparameters hp;
    private long step;
    private double best = Double.NaN;
    private double firstRungLoss = Double.NaN;

    /** The {@code index}-th trial of a search, training {@code hp}; {@code log} says which step is the first rung. */
    RunningTrial(int index, Hyperparameters hp, TrialTraining training, TrialLog log) {
        this.index = index;
        this.hp = hp;
        this.training = training;
        this.firstRungStep = log.firstRungStep();
    }

    /**
     * Trains one step and evaluates when the step is a multiple of {@code evalEvery} or is {@code intervalEnd}; the
     * validation loss when it evaluated (NaN or infinite once the trial diverged: then it is not recorded), else
     * empty.
     */
    OptionalDouble step(int evalEvery, long intervalEnd) {
        training.step();
        step++;
        if (step % evalEvery != 0 && step != intervalEnd) {
            return OptionalDouble.empty();
        }
        double loss = training.validationLoss();
        if (Double.isFinite(loss)) {
            best = Double.isNaN(best) ? loss : Math.min(best, loss);
            if (Double.isNaN(firstRungLoss) && step >= firstRungStep) {
                firstRungLoss = loss;
            }
            evaluations.put(step, loss);
        }
        return OptionalDouble.of(loss);
    }

    /** Population-based training's exploit: {@code donor}'s model and state from here on, trained with {@code next}. */
    void takeOver(RunningTrial donor, Hyperparameters next) {
        training.takeOver(donor.training, next);
        hp = next;
    }

    double testLoss() {
        return training.testLoss();
    }

    String id() {
        return "trial-" + index;
    }

    Hyperparameters hyperparameters() {
        return hp;
    }

    long steps() {
        return step;
    }

    /** The loss evaluated at {@code at}, NaN if none was. */
    double lossAt(long at) {
        return evaluations.getOrDefault(at, Double.NaN);
    }

    /** Ends the trial: it goes to the curve (and so to the sampler) and to the log, {@code spent} steps into the search. */
    void ended(CostSpec prices, SearchCurve curve, TrialLog log, long spent, boolean pruned) {
        long tokens = step * hp.batchSize() * hp.seqLength();
        Spend spend = Spend.ofTrial(prices, training.parameters(), 1, 0, tokens);
        curve.trialEnded(new FinishedTrial(hp, best, step, evaluations, spend), pruned);
        log.trialEnded(index, hp, step, spent, firstRungLoss, best, pruned);
    }
}
