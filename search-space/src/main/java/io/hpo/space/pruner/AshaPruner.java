package io.hpo.space.pruner;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Asynchronous successive halving (ASHA) as a stopping rule. Rung k sits at step
 * minSteps * reductionFactor^(minEarlyStoppingRate + k), for every such step below the trial budget. The first
 * evaluation of a trial at or past a rung's step records its loss there; the trial is promoted past the rung when
 * that loss ranks within the best max(1, floor(n / reductionFactor)) of the n losses recorded at the rung so far
 * (its own included), and stops otherwise. Decisions never wait for other trials: an early trial is judged
 * against those that came before it, as in ASHA, where early promotions are made on incomplete rungs.
 * <p>
 * Paper: Li et al., "A System for Massively Parallel Hyperparameter Tuning" (ASHA), arXiv:1810.05934.
 */
public final class AshaPruner implements Pruner {

    private final int reductionFactor;
    private final long[] rungSteps;
    /** losses recorded at each rung, in arrival order */
    private final List<List<Double>> rungs = new ArrayList<>();
    /** the next rung each trial has yet to pass */
    private final Map<String, Integer> nextRung = new HashMap<>();

    /**
     * @param maxSteps a trial's step budget: a rung at or past it would only judge finished trials
     */
    public AshaPruner(long minSteps, int reductionFactor, int minEarlyStoppingRate, long maxSteps) {
        if (minSteps < 1 || reductionFactor < 2 || minEarlyStoppingRate < 0) {
            throw new IllegalArgumentException("need minSteps >= 1, reductionFactor >= 2, minEarlyStoppingRate >= 0");
        }
        this.reductionFactor = reductionFactor;
        List<Long> steps = new ArrayList<>();
        double step = minSteps * Math.pow(reductionFactor, minEarlyStoppingRate);
        while (step < maxSteps) {
            steps.add((long) step);
            step *= reductionFactor;
        }
        this.rungSteps = steps.stream().mapToLong(Long::longValue).toArray();
        steps.forEach(s -> rungs.add(new ArrayList<>()));
    }

    /** The step of each rung, lowest first. */
    public long[] rungSteps() {
        return rungSteps.clone();
    }

    @Override
    public synchronized PruneDecision report(String trialId, long step, double loss) {
        int rung = nextRung.getOrDefault(trialId, 0);
        while (rung < rungSteps.length && rungSteps[rung] <= step) {
            List<Double> recorded = rungs.get(rung);
            double value = Double.isNaN(loss) ? Double.POSITIVE_INFINITY : loss;
            recorded.add(value);
            long better = recorded.stream().filter(v -> v < value).count();
            int promoted = Math.max(1, recorded.size() / reductionFactor);
            if (better >= promoted) {
                nextRung.put(trialId, rungSteps.length);
                return PruneDecision.prune(rung, String.format("asha rung %d (step %d): loss %.4f ranks %d of %d,"
                        + " only the best %d go on", rung, rungSteps[rung], value, better + 1, recorded.size(),
                        promoted));
            }
            rung++;
        }
        nextRung.put(trialId, rung);
        return PruneDecision.CONTINUE;
    }

    @Override
    public synchronized void trialEnded(String trialId) {
        nextRung.remove(trialId);
    }
}
