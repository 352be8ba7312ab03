package io.hpo.aggregator.support;

import io.hpo.aggregator.store.ResultsStore;
import io.hpo.events.LifecycleEvent;
import io.hpo.events.LifecycleType;
import io.hpo.events.StepMetric;

import java.util.ArrayList;
import java.util.List;

/**
 * A finished search of three trials: t2 wins (val loss 2.9, lr 3e-3, batch 32), t1 completes second (3.1),
 * t3 diverges with NaN and infinite losses and no finite evaluation.
 */
public final class SampleSearch {
    private SampleSearch() {
    }

    public static void store(ResultsStore store, String s) throws Exception {
        List<StepMetric> steps = new ArrayList<>();
        for (int i = 1; i <= 10; i++) {
            steps.add(Events.step(s, "t1", i, 0, 5.0 - 0.1 * i));
            steps.add(Events.step(s, "t2", i, 0, 4.8 - 0.1 * i));
        }
        steps.add(Events.step(s, "t3", 1, 0, 6.0));
        steps.add(Events.step(s, "t3", 2, 0, Double.POSITIVE_INFINITY));
        steps.add(Events.step(s, "t3", 3, 0, Double.NaN));
        store.applyBatch(steps, List.of(Events.started(s),
                LifecycleEvent.trialCreated(s, "t1", Events.config(1e-3, 16)),
                LifecycleEvent.trialCreated(s, "t2", Events.config(3e-3, 32)),
                LifecycleEvent.trialCreated(s, "t3", Events.config(1e-1, 16)),
                Events.evaluated(s, "t1", 10, 3.1, 10240), Events.evaluated(s, "t2", 10, 2.9, 10240),
                Events.evaluated(s, "t3", 3, Double.NaN, 3072),
                Events.ended(s, "t1", LifecycleType.TRIAL_COMPLETED, 10, null),
                Events.ended(s, "t2", LifecycleType.TRIAL_COMPLETED, 10, null),
                Events.ended(s, "t3", LifecycleType.TRIAL_DIVERGED, 3, "loss is NaN"),
                LifecycleEvent.searchFinished(s, "COMPLETED")));
    }
}
