package io.hpo.aggregator.support;

import io.hpo.aggregator.store.ResultsStore;
import io.hpo.events.LifecycleEvent;

import java.util.ArrayList;
import java.util.List;

/**
 * A finished search of 30 completed trials whose best validation losses follow L = 1.69 + 406.4/N^0.34 +
 * 410.7/D^0.28 (Hoffmann et al.'s law) within ±1%, over 6 model sizes and 5 data sizes, for the scaling endpoint and
 * command.
 */
public final class ScalingSearch {
    public static final double[] SIZES = {1e6, 3e6, 1e7, 3e7, 1e8, 3e8};
    public static final double[] TOKENS = {1e8, 3e8, 1e9, 3e9, 1e10};

    private ScalingSearch() {
    }

    public static void store(ResultsStore store, String s) throws Exception {
        List<LifecycleEvent> events = new ArrayList<>(List.of(Events.started(s)));
        int i = 0;
        for (double n : SIZES) {
            for (double d : TOKENS) {
                String id = "t" + i;
                double loss = (1.69 + 406.4 / Math.pow(n, 0.34) + 410.7 / Math.pow(d, 0.28)) * (1 + 0.01 * Math.sin(i));
                events.add(LifecycleEvent.trialCreated(s, id, Events.config(1e-3, 16)));
                events.add(LifecycleEvent.trialStarted(s, id, 1, null));
                events.add(Events.evaluated(s, id, 10, loss, 10_240));
                events.add(Events.completedWithAccounting(s, id, 10, (long) n, (long) d, 60));
                i++;
            }
        }
        events.add(LifecycleEvent.searchFinished(s, "COMPLETED"));
        store.applyBatch(List.of(), events);
    }
}
