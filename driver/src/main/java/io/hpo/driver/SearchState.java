package io.hpo.driver;

import io.hpo.driver.history.RecordedSearch;
import io.hpo.driver.history.RecordedTrial;
import io.hpo.events.TrialAccounting;
import io.hpo.events.TrialEnding;
import io.hpo.events.TrialStatus;
import io.hpo.space.Hyperparameters;
import io.hpo.space.cost.Spend;
import io.hpo.space.pruner.Pruner;
import io.hpo.space.sampler.FinishedTrial;
import io.hpo.space.sampler.SearchHistory;
import io.hpo.worker.trial.TrainingResult;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * The driver's bookkeeping of one search: which trials were launched (their index gives their id), which are
 * running and which finished. A resumed search starts from what its lifecycle events recorded.
 */
final class SearchState {
    private final Map<String, Integer> indices = new HashMap<>();
    private final Map<String, Hyperparameters> pending = new LinkedHashMap<>();
    private final List<FinishedTrial> history = new ArrayList<>();
    private final List<TrialSummary> finished = new ArrayList<>();
    private Spend spent = Spend.NONE;

    private SearchState() {
    }

    /**
     * The state {@code prior} recorded. The pruner hears every finished trial's evaluations again. The sampler is
     * not asked: every sampler restores itself from {@link #history()}, the recorded finished trials and those to run
     * again, when it is first asked for a suggestion.
     */
    static SearchState resume(RecordedSearch prior, Pruner pruner, ProgressReporter progress, PrintStream out) {
        SearchState state = new SearchState();
        for (RecordedTrial t : prior.trials()) {
            Hyperparameters hp = Hyperparameters.fromMap(t.config());
            state.indices.put(t.trialId(), state.indices.size());
            if (!t.finished()) {
                state.pending.put(t.trialId(), hp);
                continue;
            }
            t.evaluations().forEach(e -> pruner.report(t.trialId(), e.step(), e.validationLoss()));
            pruner.trialEnded(t.trialId());
            TrialAccounting accounting = t.terminal().ending().accounting();
            TrialSummary summary = new TrialSummary(t.trialId(), hp, recordedResult(t), TrialCosts.spend(accounting),
                    recordedEvaluations(t));
            // an older driver's trial spent what it spent, not nothing: the sampler is told it is not known
            state.finish(summary, accounting == null ? null : summary.spend());
            progress.recorded(t.trialId(), summary.result(), summary.spend());
        }
        if (!prior.trials().isEmpty()) {
            out.println("resuming " + prior.searchId() + ": " + state.finished.size() + " trials finished before, "
                    + state.pending.size() + " to run again");
        }
        return state;
    }

    private static TrainingResult recordedResult(RecordedTrial t) {
        TrialStatus outcome = TrialStatus.endedBy(t.terminal().type());
        TrialEnding end = t.terminal().ending();
        double best = t.bestValidationLoss();
        RecordedTrial.Evaluation atBest = t.evaluations().stream()
                .filter(e -> Double.compare(e.validationLoss(), best) == 0).findFirst().orElse(null);
        long steps = end.step() == null ? 0 : end.step();
        long tokens = end.tokensSeen() == null ? 0 : end.tokensSeen();
        return new TrainingResult(outcome, steps, tokens, best, atBest == null ? 0 : atBest.step(),
                atBest == null ? 0 : atBest.tokensSeen(), end.reason(), 0);
    }

    private static NavigableMap<Long, Double> recordedEvaluations(RecordedTrial t) {
        NavigableMap<Long, Double> byStep = new TreeMap<>();
        t.evaluations().forEach(e -> byStep.put(e.step(), e.validationLoss()));
        return byStep;
    }

    int launched() {
        return indices.size();
    }

    int indexOf(String trialId) {
        return indices.get(trialId);
    }

    Hyperparameters pending(String trialId) {
        return pending.get(trialId);
    }

    SearchHistory history() {
        return new SearchHistory(List.copyOf(history), List.copyOf(pending.values()));
    }

    void launch(String trialId, Hyperparameters hp) {
        indices.put(trialId, indices.size());
        pending.put(trialId, hp);
    }

    void finish(TrialSummary done) {
        finish(done, done.spend());
    }

    /** {@code samplerSpend}: the spend the sampler learns from, null where not known. */
    private void finish(TrialSummary done, Spend samplerSpend) {
        pending.remove(done.trialId());
        finished.add(done);
        spent = spent.plus(done.spend());
        history.add(new FinishedTrial(done.hyperparameters(), done.result().bestValLoss(), done.result().steps(),
                done.evaluations(), samplerSpend));
    }

    /** What the finished trials spent, those finished before a resume included. */
    Spend spent() {
        return spent;
    }

    List<TrialSummary> finished() {
        return List.copyOf(finished);
    }
}
