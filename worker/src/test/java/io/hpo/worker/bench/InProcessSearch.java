package io.hpo.worker.bench;

import io.hpo.space.Hyperparameters;
import io.hpo.space.pruner.PruneDecision;
import io.hpo.space.pruner.Pruner;
import io.hpo.space.pruner.Pruners;
import io.hpo.space.sampler.Sampler;
import io.hpo.space.sampler.Samplers;
import io.hpo.space.sampler.SearchHistory;
import io.hpo.space.spec.SearchSpec;

import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * One search as the driver runs it (the spec's sampler and pruner, fed the same history), but with trials trained
 * one after another in this JVM, without Spark: the compute budget is what is compared, and Spark's per-round
 * overhead would only slow the benchmark down. The last trial is cut when the budget runs out. Each finished trial
 * reaches the sampler with its evaluations, as the driver passes them, so multi_fidelity samplers see rung losses,
 * and with its spend, so a multi-objective sampler sees it: executor time is not measured here (trials of searches
 * run at once would share cores), but tokens and FLOPs are, and they are what a multi-objective row minimises.
 */
record InProcessSearch(SearchSpec spec, TrialTraining.Factory trials, long budgetSteps) {

    /** Runs the search; each trial's configuration and outcome go to {@code log} (see {@link TrialLog}). */
    SearchCurve run(TrialLog log) {
        Sampler sampler = Samplers.forSpec(spec);
        Pruner pruner = Pruners.forSpec(spec);
        SearchCurve curve = new SearchCurve();
        int maxSteps = spec.budget().maxStepsPerTrial();
        long spent = 0;
        for (int index = 0; spent < budgetSteps; index++) {
            Optional<Hyperparameters> next = sampler.suggest(new SearchHistory(curve.history(), List.of()));
            if (next.isEmpty()) {
                break;
            }
            RunningTrial trial = new RunningTrial(index, next.get(), trials.start(next.get(), index), log);
            boolean pruned = false;
            while (trial.steps() < maxSteps && spent < budgetSteps && !pruned) {
                spent++;
                OptionalDouble loss = trial.step(spec.training().evalEvery(), maxSteps);
                if (loss.isPresent()) {
                    if (!Double.isFinite(loss.getAsDouble())) {
                        break;
                    }
                    curve.evaluated(spent, loss.getAsDouble(), trial::testLoss);
                    PruneDecision decision = pruner.report(trial.id(), trial.steps(), loss.getAsDouble());
                    pruned = decision.prune();
                }
            }
            pruner.trialEnded(trial.id());
            trial.ended(spec.cost(), curve, log, spent, pruned);
        }
        return curve;
    }
}
