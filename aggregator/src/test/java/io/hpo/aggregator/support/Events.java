package io.hpo.aggregator.support;

import io.hpo.events.EventCodec;
import io.hpo.events.LifecycleEvent;
import io.hpo.events.LifecycleType;
import io.hpo.events.StepMetric;
import io.hpo.events.TrialAccounting;
import io.hpo.space.Hyperparameters;
import io.hpo.space.cost.Spend;

import java.util.Map;

import static io.hpo.space.Hyperparameter.BATCH_SIZE;
import static io.hpo.space.Hyperparameter.LEARNING_RATE;

/** Builders for the events tests feed to the store and the broker. */
public final class Events {
    /** A spec the search-space loader accepts, with the two hyperparameters the tests vary. */
    public static final String SPEC_YAML = String.join("\n",
            "name: tiny",
            "seed: 7",
            "budget:",
            "  max_trials: 4",
            "  max_steps_per_trial: 20",
            "training:",
            "  eval_every: 10",
            "space:",
            "  learning_rate: {log_uniform: [1.0e-4, 1.0e-1]}",
            "  batch_size: {choice: [16, 32]}",
            "");

    private Events() {
    }

    /** A valid hyperparameter map; learning rate and batch size vary between trials in the tests. */
    public static Map<String, Object> config(double learningRate, int batchSize) {
        return Hyperparameters.builder().set(LEARNING_RATE, learningRate).set(BATCH_SIZE, batchSize).build().toMap();
    }

    public static StepMetric step(String search, String trial, long step, int worker, double loss) {
        return StepMetric.of(search, trial, 1, step, worker, step * 1024, 1e-3, loss, 1_764_000_000_000L + step);
    }

    public static LifecycleEvent evaluated(String search, String trial, long step, double valLoss, long tokens) {
        return LifecycleEvent.trialEvaluated(search, trial, 1, step, valLoss, tokens);
    }

    public static LifecycleEvent ended(String search, String trial, LifecycleType type, long step, String reason) {
        return LifecycleEvent.trialEnded(search, trial, 1, type, step, step * 1024, reason);
    }

    /**
     * A completed trial's terminal event with accounting as the driver computes it at default prices: {@code step}
     * × 1024 tokens, energy from 100 W per worker-second, 475 gCO2/kWh, 0.10 per worker-hour.
     */
    public static LifecycleEvent completedWithAccounting(String search, String trial, long step, long parameters,
                                                         long trainingTokens, double executorSeconds) {
        long tokens = step * 1024;
        double energy = 100 * executorSeconds / 3.6e6;
        return ended(search, trial, LifecycleType.TRIAL_COMPLETED, step, null).withAccounting(new TrialAccounting(
                parameters, trainingTokens, new Spend(executorSeconds, tokens, 6.0 * parameters * tokens, energy,
                energy * 0.475, 0.10 * executorSeconds / 3600)));
    }

    /** A search event at a fixed time, so that tests can compare times. */
    public static LifecycleEvent started(String search) {
        return started(search, SPEC_YAML);
    }

    /** A SEARCH_STARTED event recording {@code specYaml}. */
    public static LifecycleEvent started(String search, String specYaml) {
        LifecycleEvent e = LifecycleEvent.searchStarted(search, "tiny " + search, specYaml);
        return new LifecycleEvent(EventCodec.SCHEMA_VERSION, e.eventId(), search, null, null, e.type(), 1_764_000_000_000L,
                e.submission(), null, null, null, null, null, null);
    }
}
