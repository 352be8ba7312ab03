package io.hpo.space.sampler;

import io.hpo.space.Hyperparameters;
import io.hpo.space.spec.SearchSpec;
import io.hpo.space.spec.SpecLoader;

import java.util.ArrayList;
import java.util.List;

/**
 * A cheap stand-in for a training run with a known optimum (loss 0): learning_rate 2e-3, warmup_steps 6, dropout
 * 0.05, width 48, schedule cosine. Each term has the shape a real search sees: a log-scale bowl, an integer bowl,
 * a real, and categorical penalties (width graded by its distance to 48 in octaves, as real widths act).
 */
final class SyntheticObjective {

    static final String SPACE = """
            space:
              learning_rate: {log_uniform: [1.0e-5, 1.0e-1]}
              warmup_steps: {int: [0, 40]}
              dropout: {uniform: [0.0, 0.5]}
              width: {choice: [16, 32, 48, 64, 96]}
              heads: 4
              schedule: {choice: [constant, linear, cosine]}
            """;

    private SyntheticObjective() {
    }

    static SearchSpec spec(long seed, String strategy) {
        return SpecLoader.parse("name: synthetic\nseed: " + seed + "\nstrategy:\n  type: " + strategy
                + "\n  startup_trials: 10\n" + SPACE, "synthetic");
    }

    /** Best loss of a sequential search of {@code trials} trials with the spec's sampler. */
    static double bestOf(SearchSpec spec, int trials) {
        Sampler sampler = Samplers.forSpec(spec);
        List<FinishedTrial> finished = new ArrayList<>();
        double best = Double.POSITIVE_INFINITY;
        for (int i = 0; i < trials; i++) {
            Hyperparameters hp = sampler.suggest(new SearchHistory(finished, List.of())).orElseThrow();
            double loss = loss(hp);
            finished.add(new FinishedTrial(hp, loss, 100));
            best = Math.min(best, loss);
        }
        return best;
    }

    static double loss(Hyperparameters hp) {
        double lr = Math.log10(hp.learningRate() / 2e-3);
        double warmup = (hp.warmupSteps() - 6) / 10.0;
        double dropout = (hp.dropout() - 0.05) * 2;
        double width = 0.2 * Math.abs(Math.log(hp.width() / 48.0) / Math.log(2));
        double schedule = switch (hp.schedule()) {
            case COSINE -> 0;
            case LINEAR -> 0.05;
            case CONSTANT -> 0.2;
        };
        return lr * lr + warmup * warmup + dropout * dropout + width + schedule;
    }
}
