package io.hpo.space.pruner;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Median stopping: once {@code startupTrials} trials have ended, a trial at step s (s >= warmupSteps) stops when
 * its best loss so far is worse than the median of the losses other trials reported at step s. Trials evaluate at
 * the same steps (every eval_every), so the comparison is like for like.
 * <p>
 * Paper: Golovin et al., "Google Vizier: A Service for Black-Box Optimization", KDD 2017 (median stopping rule).
 */
public final class MedianPruner implements Pruner {

    private final int startupTrials;
    private final long warmupSteps;
    /** step, then trial id, then the loss the trial reported at that step */
    private final Map<Long, Map<String, Double>> byStep = new HashMap<>();
    private final Map<String, Double> bestSoFar = new HashMap<>();
    private final Set<String> ended = new HashSet<>();

    public MedianPruner(int startupTrials, long warmupSteps) {
        this.startupTrials = startupTrials;
        this.warmupSteps = warmupSteps;
    }

    @Override
    public synchronized PruneDecision report(String trialId, long step, double loss) {
        byStep.computeIfAbsent(step, s -> new HashMap<>()).put(trialId, loss);
        double best = Math.min(loss, bestSoFar.getOrDefault(trialId, Double.POSITIVE_INFINITY));
        bestSoFar.put(trialId, best);
        if (ended.size() < startupTrials || step < warmupSteps) {
            return PruneDecision.CONTINUE;
        }
        List<Double> others = new ArrayList<>();
        byStep.get(step).forEach((id, value) -> {
            if (!id.equals(trialId) && !Double.isNaN(value)) {
                others.add(value);
            }
        });
        if (others.isEmpty()) {
            return PruneDecision.CONTINUE;
        }
        double median = median(others);
        return best > median ? PruneDecision.prune(-1, String.format("median stopping at step %d: best loss %.4f"
                + " is worse than the median %.4f of %d other trials", step, best, median, others.size()))
                : PruneDecision.CONTINUE;
    }

    @Override
    public synchronized void trialEnded(String trialId) {
        ended.add(trialId);
    }

    private static double median(List<Double> values) {
        values.sort(null);
        int n = values.size();
        return n % 2 == 1 ? values.get(n / 2) : (values.get(n / 2 - 1) + values.get(n / 2)) / 2;
    }
}
