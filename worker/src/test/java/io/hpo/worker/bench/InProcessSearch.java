package io.hpo.worker.bench;

import io.hpo.space.Hyperparameters;
import io.hpo.space.pruner.PruneDecision;
import io.hpo.space.pruner.Pruner;
import io.hpo.space.pruner.Pruners;
import io.hpo.space.sampler.FinishedTrial;
import io.hpo.space.sampler.Sampler;
import io.hpo.space.sampler.Samplers;
import io.hpo.space.sampler.SearchHistory;
import io.hpo.space.spec.SearchSpec;
import io.hpo.worker.data.CorpusSplit;
import io.hpo.worker.data.TokenBatches;
import io.hpo.worker.model.LossEvaluator;
import io.hpo.worker.model.TransformerModel;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.dataset.DataSet;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;

/**
 * One search as the driver runs it (the spec's sampler and pruner, fed the same history), but with trials trained
 * one after another in this JVM on the same model and data, without Spark: the compute budget is what is compared,
 * and Spark's per-round overhead would only slow the benchmark down. The last trial is cut when the budget runs out.
 */
final class InProcessSearch {

    private final SearchSpec spec;
    private final CorpusSplit data;
    private final long budgetSteps;

    InProcessSearch(SearchSpec spec, CorpusSplit data, long budgetSteps) {
        this.spec = spec;
        this.data = data;
        this.budgetSteps = budgetSteps;
    }

    /** Runs the search; each trial's configuration and outcome go to {@code trials} (see {@link TrialLog}). */
    SearchCurve run(TrialLog trials) {
        Sampler sampler = Samplers.forSpec(spec);
        Pruner pruner = Pruners.forSpec(spec);
        List<FinishedTrial> finished = new ArrayList<>();
        SearchCurve curve = new SearchCurve();
        long spent = 0;
        for (int index = 0; spent < budgetSteps; index++) {
            Optional<Hyperparameters> next = sampler.suggest(new SearchHistory(finished, List.of()));
            if (next.isEmpty()) {
                break;
            }
            String trialId = "trial-" + index;
            Hyperparameters hp = next.get();
            ComputationGraph net = TransformerModel.build(hp, data.tokenizer().vocabSize(),
                    spec.budget().maxStepsPerTrial(), spec.seed() * 7919 + index);
            List<DataSet> validation = TokenBatches.validationBatches(data.validation(), hp.seqLength(),
                    hp.batchSize(), spec.training().evalBatches());
            Random windows = new Random(spec.seed() * 7919 + index);
            double best = Double.NaN;
            double firstRungLoss = Double.NaN;
            long step = 0;
            boolean pruned = false;
            while (step < spec.budget().maxStepsPerTrial() && spent < budgetSteps && !pruned) {
                net.fit(TokenBatches.randomWindows(data.train(), hp.seqLength(), hp.batchSize(), windows));
                step++;
                spent++;
                if (step % spec.training().evalEvery() == 0 || step == spec.budget().maxStepsPerTrial()) {
                    double loss = LossEvaluator.meanTokenLoss(net, validation);
                    if (!Double.isFinite(loss)) {
                        break;
                    }
                    best = Double.isNaN(best) ? loss : Math.min(best, loss);
                    if (Double.isNaN(firstRungLoss) && step >= trials.firstRungStep()) {
                        firstRungLoss = loss;
                    }
                    curve.evaluated(spent, loss);
                    PruneDecision decision = pruner.report(trialId, step, loss);
                    pruned = decision.prune();
                }
            }
            pruner.trialEnded(trialId);
            curve.trialEnded(pruned);
            finished.add(new FinishedTrial(hp, best, step));
            trials.trialEnded(index, hp, step, spent, firstRungLoss, best, pruned);
        }
        return curve;
    }
}
