package io.hpo.space.sampler;

import io.hpo.space.Hyperparameters;
import io.hpo.space.cost.Spend;
import io.hpo.space.pareto.Hypervolume;
import io.hpo.space.spec.SearchSpec;
import io.hpo.space.spec.SpecLoader;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * {@link SyntheticObjective}'s loss against an energy that grows with width and warm-up: the loss is lowest at
 * width 48 and 6 warm-up steps, the energy at the narrowest width and no warm-up, so the front runs between them
 * (with the other hyperparameters at their optimum all along it).
 */
final class SyntheticTradeOff {

    /** Beyond every loss worth keeping (a trial off by a decade of learning rate scores 1) and every energy. */
    static final double[] REFERENCE = {3, 2};

    private SyntheticTradeOff() {
    }

    /** A search of the trade-off; {@code objectives} false searches the loss alone. */
    static SearchSpec spec(long seed, String strategy, boolean objectives) {
        return SpecLoader.parse("name: tradeoff\nseed: " + seed + "\nstrategy:\n  type: " + strategy
                + "\n  startup_trials: 10\n" + (objectives ? "objectives: [val_loss, energy_kwh]\n" : "")
                + SyntheticObjective.SPACE, "tradeoff");
    }

    static Spend spend(Hyperparameters hp) {
        double energyKwh = hp.width() / 96.0 + hp.warmupSteps() / 40.0;
        return new Spend(0, 0, 0, energyKwh, 0, 0);
    }

    /** The hypervolume of (loss, energy) up to {@link #REFERENCE} after a sequential search of {@code trials}. */
    static double hypervolumeOf(SearchSpec spec, int trials) {
        Sampler sampler = Samplers.forSpec(spec);
        List<FinishedTrial> finished = new ArrayList<>();
        List<double[]> points = new ArrayList<>();
        for (int i = 0; i < trials; i++) {
            Hyperparameters hp = sampler.suggest(new SearchHistory(finished, List.of())).orElseThrow();
            double loss = SyntheticObjective.loss(hp);
            Spend spend = spend(hp);
            finished.add(new FinishedTrial(hp, loss, 100, new TreeMap<>(), spend));
            points.add(new double[]{loss, spend.energyKwh()});
        }
        return Hypervolume.of(points, REFERENCE);
    }
}
