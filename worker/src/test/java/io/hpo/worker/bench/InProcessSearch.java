package io.hpo.worker.bench;

import io.hpo.space.Hyperparameters;
import io.hpo.space.pruner.PruneDecision;
import io.hpo.space.pruner.Pruner;
import io.hpo.space.pruner.Pruners;
import io.hpo.space.cost.Spend;
import io.hpo.space.sampler.FinishedTrial;
import io.hpo.space.sampler.Sampler;
import io.hpo.space.sampler.Samplers;
import io.hpo.space.sampler.SearchHistory;
import io.hpo.space.spec.SearchSpec;

import java.util.List;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One search as the driver runs it (the spec's sampler and pruner, fed the same history), but with trials trained
 * one after another in this JVM, without Spark: the compute budget is what is compared, and Spark's per-round
 * overhead would only slow the benchmark down. The last trial is cut when the budget runs out. Each finished trial
 * reaches the sampler with its evaluations, as the driver passes them, so multi_fidelity samplers see rung losses,
 * and with its spend, so a multi-objective sampler sees it: executor time is not measured here (trials of searches
 * run at once would share cores), but tokens and FLOPs are, and they are what a multi-objective row minimises.
 */
final class InProcessSearch {

    private final SearchSpec spec;
    private final TrialTraining.Factory trials;
    private final long budgetSteps;

    InProcessSearch(SearchSpec spec, TrialTraining.Factory trials, long budgetSteps) {
        this.spec = spec;
        this.trials = trials;
        this.budgetSteps = budgetSteps;
    }

    /** Runs the search; each trial's configuration and outcome go to {@code log} (see {@link TrialLog}). */
    SearchCurve run(TrialLog log) {
        Sampler sampler = Samplers.forSpec(spec);
        Pruner pruner = Pruners.forSpec(spec);
        SearchCurve curve = new SearchCurve();
        long spent = 0;
        for (int index = 0; spent < budgetSteps; index++) {
            Optional<Hyperparameters> next = sampler.suggest(new SearchHistory(curve.history(), List.of()));
            if (next.isEmpty()) {
                break;
            }
            String trialId = "trial-" + index;
            Hyperparameters hp = next.get();
            TrialTraining trial = trials.start(hp, index);
            double best = Double.NaN;
            double firstRungLoss = Double.NaN;
            NavigableMap<Long, Double> evaluations = new TreeMap<>();
            long step = 0;
            boolean pruned = false;
            while (step < spec.budget().maxStepsPerTrial() && spent < budgetSteps && !pruned) {
                trial.step();
                step++;
                spent++;
                if (step % spec.training().evalEvery() == 0 || step == spec.budget().maxStepsPerTrial()) {
                    double loss = trial.validationLoss();
                    if (!Double.isFinite(loss)) {
                        break;
                    }
                    best = Double.isNaN(best) ? loss : Math.min(best, loss);
                    if (Double.isNaN(firstRungLoss) && step >= log.firstRungStep()) {
                        firstRungLoss = loss;
                    }
                    evaluations.put(step, loss);
                    curve.evaluated(spent, loss, trial::testLoss);
                    PruneDecision decision = pruner.report(trialId, step, loss);
                    pruned = decision.prune();
                }
            }
            pruner.trialEnded(trialId);
            long tokens = step * hp.batchSize() * hp.seqLength();
            Spend spend = Spend.ofTrial(spec.cost(), trial.parameters(), 1, 0, tokens);
            curve.trialEnded(new FinishedTrial(hp, best, step, evaluations, spend), pruned);
            log.trialEnded(index, hp, step, spent, firstRungLoss, best, pruned);
        }
        return curve;
    }
}
