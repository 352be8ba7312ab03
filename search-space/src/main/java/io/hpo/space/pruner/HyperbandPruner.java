package io.hpo.space.pruner;

import java.util.HashMap;
import java.util.Map;

/**
 * Asynchronous Hyperband: brackets of ASHA ({@link AshaPruner}) that start stopping trials at different budgets.
 * Bracket b is an ASHA with minimum early-stopping rate b, so its first rung sits at
 * minSteps * reductionFactor^b steps: bracket 0 stops trials earliest, and a bracket whose first rung would reach
 * the trial budget trains every trial to the end. A trial joins a bracket at its first report and stays there; each
 * bracket ranks only its own trials. Brackets take trials in proportion to Hyperband's bracket sizes,
 * reductionFactor^h / (h + 1) for a bracket of h rungs (Hyperband's n = ceil((s_max + 1) / (s + 1) * eta^s) up to
 * rounding), so that each bracket spends about the same budget; smooth weighted round robin interleaves them, so any
 * run of trials is spread as evenly as the sizes allow, and the same order of first reports gives the same brackets.
 * The spread is Hyperband's hedge: where early losses mislead, the brackets that stop late still keep the
 * configurations that only pay off in the end.
 * <p>
 * Papers: Li et al., "Hyperband: A Novel Bandit-Based Approach to Hyperparameter Optimization", JMLR 2018,
 * arXiv:1603.06560 (the brackets and their sizes); Li et al., "A System for Massively Parallel Hyperparameter
 * Tuning", MLSys 2020, arXiv:1810.05934, section 3 (asynchronous Hyperband: bracket s is an ASHA with minimum
 * early-stopping rate s).
 */
public final class HyperbandPruner implements Pruner {

    private final AshaPruner[] brackets;
    private final double[] weights;
    /** smooth weighted round robin: each bracket's accumulated claim to the next trial */
    private final double[] credit;
    private final Map<String, Integer> assigned = new HashMap<>();

    /**
     * @param brackets how many, at least 1; {@link #bracketsThatFit} is Hyperband's own count
     * @param maxSteps a trial's step budget
     */
    public HyperbandPruner(long minSteps, int reductionFactor, int brackets, long maxSteps) {
        if (brackets < 1) {
            throw new IllegalArgumentException("need at least one bracket, got " + brackets);
        }
        this.brackets = new AshaPruner[brackets];
        this.weights = new double[brackets];
        this.credit = new double[brackets];
        for (int b = 0; b < brackets; b++) {
            this.brackets[b] = new AshaPruner(minSteps, reductionFactor, b, maxSteps);
            int rungs = this.brackets[b].rungSteps().length;
            weights[b] = Math.pow(reductionFactor, rungs) / (rungs + 1);
        }
    }

    /**
     * The brackets whose first rung, minSteps * reductionFactor^b, is at most {@code maxSteps}: Hyperband's
     * s_max + 1 = floor(log_eta(maxSteps / minSteps)) + 1. Past them a bracket would only repeat the last one.
     */
    public static int bracketsThatFit(long minSteps, int reductionFactor, long maxSteps) {
        int fit = 0;
        for (long first = minSteps; first <= maxSteps; first *= reductionFactor) {
            fit++;
        }
        return fit;
    }

    /** The rung steps of each bracket, bracket 0 first. */
    public long[][] rungSteps() {
        long[][] steps = new long[brackets.length][];
        for (int b = 0; b < brackets.length; b++) {
            steps[b] = brackets[b].rungSteps();
        }
        return steps;
    }

    /** The bracket {@code trialId} joined, or -1 before its first report. */
    public synchronized int bracketOf(String trialId) {
        return assigned.getOrDefault(trialId, -1);
    }

    @Override
    public synchronized PruneDecision report(String trialId, long step, double loss) {
        int b = assigned.computeIfAbsent(trialId, id -> nextBracket());
        PruneDecision decision = brackets[b].report(trialId, step, loss);
        return decision.prune() ? PruneDecision.prune(decision.rung(), "hyperband bracket " + b + ", "
                + decision.reason()) : decision;
    }

    @Override
    public synchronized void trialEnded(String trialId) {
        Integer b = assigned.remove(trialId);
        if (b != null) {
            brackets[b].trialEnded(trialId);
        }
    }

    /** Every bracket gains its weight; the one with the most credit takes the trial and pays the total. */
    private int nextBracket() {
        int chosen = 0;
        double total = 0;
        for (int b = 0; b < brackets.length; b++) {
            credit[b] += weights[b];
            total += weights[b];
            if (credit[b] > credit[chosen]) {
                chosen = b;
            }
        }
        credit[chosen] -= total;
        return chosen;
    }
}
