package io.hpo.aggregator.support;

import io.hpo.aggregator.store.ResultsStore;
import io.hpo.events.LifecycleEvent;
import io.hpo.events.LifecycleType;
import io.hpo.events.StepMetric;

import java.util.ArrayList;
import java.util.List;

/**
 * A finished search whose trials carry accounting, for the Pareto front and the overfitting flag. Best validation
 * loss and executor-seconds (energy follows at 100 W): cheap 2.5 / 36 s, mid 2.0 / 144 s, dear 2.0 / 288 s
 * (dominated by mid), best 1.8 / 360 s, twin 1.8 / 360 s (identical to best), old 1.7 without accounting. "best"
 * trains to 1.0 nats while validating at 1.8: overfitting; every other trial trains near its validation loss.
 */
public final class AccountedSearch {
    public static final List<String> FRONT = List.of("cheap", "mid", "best", "twin");

    private AccountedSearch() {
    }

    public static void store(ResultsStore store, String s) throws Exception {
        store(store, s, Events.SPEC_YAML);
    }

    /** The same trials of a search of val_loss and executor_hours: its front is {@link #FRONT} too. */
    public static void storeMultiObjective(ResultsStore store, String s) throws Exception {
        store(store, s, Events.SPEC_YAML + "objectives: [val_loss, executor_hours]\n");
    }

    private static void store(ResultsStore store, String s, String specYaml) throws Exception {
        List<StepMetric> steps = new ArrayList<>();
        List<LifecycleEvent> events = new ArrayList<>(List.of(Events.started(s, specYaml)));
        trial(s, "cheap", 2.5, 2.5, 36, steps, events);
        trial(s, "mid", 2.0, 2.0, 144, steps, events);
        trial(s, "dear", 2.0, 2.1, 288, steps, events);
        trial(s, "best", 1.8, 1.0, 360, steps, events);
        trial(s, "twin", 1.8, 1.75, 360, steps, events);
        trial(s, "old", 1.7, 1.7, 0, steps, events);
        events.add(LifecycleEvent.searchFinished(s, "COMPLETED"));
        store.applyBatch(steps, events);
    }

    /** 10 steps on 2 workers at {@code trainLoss}, one evaluation at step 10; executorSeconds 0: no accounting. */
    private static void trial(String s, String id, double valLoss, double trainLoss, double executorSeconds,
                              List<StepMetric> steps, List<LifecycleEvent> events) {
        events.add(LifecycleEvent.trialCreated(s, id, Events.config(1e-3, 16)));
        events.add(LifecycleEvent.trialStarted(s, id, 1, null));
        for (int step = 1; step <= 10; step++) {
            for (int worker = 0; worker < 2; worker++) {
                steps.add(Events.step(s, id, step, worker, trainLoss));
            }
        }
        events.add(Events.evaluated(s, id, 10, valLoss, 10_240));
        events.add(executorSeconds == 0 ? Events.ended(s, id, LifecycleType.TRIAL_COMPLETED, 10, null)
                : Events.completedWithAccounting(s, id, 10, 50_000, 120_000, executorSeconds));
    }
}
