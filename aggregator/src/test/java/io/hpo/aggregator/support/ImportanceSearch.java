package io.hpo.aggregator.support;

import io.hpo.aggregator.store.ResultsStore;
import io.hpo.events.LifecycleEvent;
import io.hpo.events.LifecycleType;
import io.hpo.space.Hyperparameters;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.hpo.space.Hyperparameter.BATCH_SIZE;
import static io.hpo.space.Hyperparameter.DROPOUT;
import static io.hpo.space.Hyperparameter.LEARNING_RATE;
import static io.hpo.space.Hyperparameter.WARMUP_STEPS;

/**
 * A search for hyperparameter importance: 100 completed trials whose best validation loss is
 * 2 + 10 (log10 lr + 2.5)² + (0, 0.3 or 5 for batch 16, 32, 64), so the learning rate explains most, the batch size
 * some and dropout nothing; warmup_steps is searched only with batch 64 (otherwise 0), which no top trial has.
 * Besides: 10 pruned trials with lower losses than any completed one, all at dropout 0.5 (they may not be top
 * trials), one still running and one diverged without an evaluation (neither compared).
 */
public final class ImportanceSearch {
    public static final String SPEC_YAML = String.join("\n",
            "name: importance",
            "seed: 7",
            "budget:",
            "  max_trials: 112",
            "  max_steps_per_trial: 20",
            "training:",
            "  eval_every: 10",
            "space:",
            "  learning_rate: {log_uniform: [1.0e-4, 1.0e-1]}",
            "  batch_size: {choice: [16, 32, 64]}",
            "  dropout: {uniform: [0.0, 0.5]}",
            "  warmup_steps: {int: [5, 9], when: {batch_size: [64]}, otherwise: 0}",
            "");
    /** Trials compared: the completed and pruned ones. */
    public static final int COMPARED = 110;

    private ImportanceSearch() {
    }

    public static void store(ResultsStore store, String s) throws Exception {
        List<LifecycleEvent> events = new ArrayList<>(List.of(LifecycleEvent.searchStarted(s, "importance",
                SPEC_YAML)));
        for (int i = 0; i < 100; i++) {
            double lr = Math.pow(10, -4 + 3 * ((i * 37) % 100) / 99.0);
            int batch = List.of(16, 32, 64).get(i % 3);
            double loss = 2 + 10 * Math.pow(Math.log10(lr) + 2.5, 2) + (batch == 16 ? 0 : batch == 32 ? 0.3 : 5);
            trial(s, "c" + i, config(lr, batch, ((i * 53) % 100) / 200.0, batch == 64 ? 5 + i % 5 : 0), loss,
                    LifecycleType.TRIAL_COMPLETED, events);
        }
        for (int i = 0; i < 10; i++) {
            trial(s, "p" + i, config(1e-3, 16, 0.5, 0), 1.0 + i / 100.0, LifecycleType.TRIAL_PRUNED, events);
        }
        trial(s, "running", config(1e-3, 16, 0.1, 0), 0.5, null, events);
        events.add(LifecycleEvent.trialCreated(s, "diverged", config(1e-1, 64, 0.2, 7)));
        events.add(Events.ended(s, "diverged", LifecycleType.TRIAL_DIVERGED, 3, "loss is NaN"));
        store.applyBatch(List.of(), events);
    }

    private static Map<String, Object> config(double lr, int batch, double dropout, int warmup) {
        return Hyperparameters.builder().set(LEARNING_RATE, lr).set(BATCH_SIZE, batch).set(DROPOUT, dropout)
                .set(WARMUP_STEPS, warmup).build().toMap();
    }

    /** Created, evaluated once at step 10 with {@code loss}, and ended as {@code end} (null: still running). */
    private static void trial(String s, String id, Map<String, Object> config, double loss, LifecycleType end,
                              List<LifecycleEvent> events) {
        events.add(LifecycleEvent.trialCreated(s, id, config));
        events.add(LifecycleEvent.trialStarted(s, id, 1, null));
        events.add(Events.evaluated(s, id, 10, loss, 10_240));
        if (end != null) {
            events.add(Events.ended(s, id, end, 10, null));
        }
    }
}
