package io.hpo.aggregator.store;

import io.hpo.events.StepMetric;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Consecutive steps of a batch, {@code from} (inclusive) to {@code to} (exclusive), of one trial attempt, with their
 * lowest and highest step and most tokens. A block's steps arrive together, so a batch's per-trial bookkeeping
 * (rows to lock, progress, verdicts to refresh) costs once per run instead of once per step, which measured as a
 * third of the aggregator's CPU per stored step.
 */
record StepRun(TrialKey trial, int attempt, int from, int to, long firstStep, long lastStep, long tokens) {
    /** The order of the stored steps' key: trial, attempt, step. */
    static final Comparator<StepRun> KEY_ORDER = Comparator.comparing(StepRun::trial)
            .thenComparingInt(StepRun::attempt).thenComparingLong(StepRun::firstStep);

    static List<StepRun> of(List<StepMetric> steps) {
        List<StepRun> runs = new ArrayList<>();
        int from = 0;
        for (int i = 1; i <= steps.size(); i++) {
            if (i == steps.size() || !sameAttempt(steps.get(from), steps.get(i))) {
                runs.add(of(steps, from, i));
                from = i;
            }
        }
        return runs;
    }

    private static boolean sameAttempt(StepMetric a, StepMetric b) {
        return a.attempt() == b.attempt() && a.trialId().equals(b.trialId()) && a.searchId().equals(b.searchId());
    }

    private static StepRun of(List<StepMetric> steps, int from, int to) {
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        long tokens = Long.MIN_VALUE;
        for (int i = from; i < to; i++) {
            StepMetric s = steps.get(i);
            first = Math.min(first, s.step());
            last = Math.max(last, s.step());
            tokens = Math.max(tokens, s.tokensSeen());
        }
        StepMetric head = steps.get(from);
        return new StepRun(new TrialKey(head.searchId(), head.trialId()), head.attempt(), from, to, first, last,
                tokens);
    }
}
