package io.hpo.aggregator.support;

import io.hpo.aggregator.store.ResultsStore;
import io.hpo.events.LifecycleEvent;
import io.hpo.events.StepMetric;
import io.hpo.space.Hyperparameter;
import io.hpo.space.Hyperparameters;
import io.hpo.space.ModelSize;

import java.util.ArrayList;
import java.util.List;

/**
 * A finished search of 30 completed trials over 6 widths (2 layers, 4 heads, a vocabulary of {@value #VOCABULARY})
 * and 5 data fractions of {@value #TRAINING_TOKENS} training tokens, whose best validation losses follow
 * L = 1.0 + 30/N^0.3 + 50/D^0.25 within ±1%, for the scaling endpoint and commands. Trial t0 alone stores its
 * {@value #T0_STEPS} training steps, of loss its validation loss + 0.01·step, so its final training loss (the mean of
 * the last 20) is that loss + 0.01·(11 + 30)/2.
 */
public final class ScalingSearch {
    public static final int VOCABULARY = 40;
    public static final long TRAINING_TOKENS = 10_000_000;
    public static final int[] WIDTHS = {32, 64, 128, 256, 512, 1024};
    public static final double[] FRACTIONS = {0.01, 0.03, 0.1, 0.3, 1.0};
    public static final int T0_STEPS = 30;

    private ScalingSearch() {
    }

    public static double law(double parameters, double tokens) {
        return 1.0 + 30 / Math.pow(parameters, 0.3) + 50 / Math.pow(tokens, 0.25);
    }

    public static Hyperparameters config(int width, double fraction, double learningRate) {
        return Hyperparameters.builder().set(Hyperparameter.WIDTH, width).set(Hyperparameter.LAYERS, 2)
                .set(Hyperparameter.HEADS, 4).set(Hyperparameter.DATA_FRACTION, fraction)
                .set(Hyperparameter.LEARNING_RATE, learningRate).build();
    }

    public static void store(ResultsStore store, String s) throws Exception {
        List<LifecycleEvent> events = new ArrayList<>(List.of(Events.started(s)));
        List<StepMetric> steps = new ArrayList<>();
        int i = 0;
        for (int width : WIDTHS) {
            for (double fraction : FRACTIONS) {
                String id = "t" + i;
                Hyperparameters hp = config(width, fraction, 1e-3 * (1 + i % 3));
                long n = ModelSize.parameters(hp, VOCABULARY);
                long d = (long) Math.ceil(TRAINING_TOKENS * fraction);
                double loss = law(n, d) * (1 + 0.01 * Math.sin(i));
                events.add(LifecycleEvent.trialCreated(s, id, hp.toMap()));
                events.add(LifecycleEvent.trialStarted(s, id, 1, null));
                if (i == 0) {
                    for (int step = 1; step <= T0_STEPS; step++) {
                        steps.add(Events.step(s, id, step, 0, loss + 0.01 * step));
                    }
                }
                events.add(Events.evaluated(s, id, 10, loss, 10_240));
                events.add(Events.completedWithAccounting(s, id, 10, n, d, 60));
                i++;
            }
        }
        events.add(LifecycleEvent.searchFinished(s, "COMPLETED"));
        store.applyBatch(steps, events);
    }
}
