package io.hpo.worker.checkpoint;

import io.hpo.space.checkpoint.CheckpointManifest;
import io.hpo.space.checkpoint.CheckpointException;
import io.hpo.space.spec.CheckpointsSpec;
import io.hpo.worker.data.CharTokenizer;
import io.hpo.worker.trial.CheckpointSink;
import io.hpo.worker.trial.TrainingResult;
import io.hpo.worker.trial.TrialPlan;
import org.deeplearning4j.nn.graph.ComputationGraph;

import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A search's checkpoint policy: with {@code best}, a completed trial saves when its best validation loss beats
 * every checkpoint the search saved before; with {@code all}, every completed trial saves. Trials complete
 * concurrently, so the decision and the write happen under one lock. A write that fails leaves the trial completed
 * without a checkpoint (and any earlier file at its path intact); it is reported, not fatal.
 */
public final class SearchCheckpoints implements CheckpointSink {
    private final CheckpointsSpec spec;
    private final PrintStream warnings;
    private double bestSaved;

    /** @param bestSoFar the best loss among trials the search completed before (a resumed search), else NaN */
    public SearchCheckpoints(CheckpointsSpec spec, double bestSoFar, PrintStream warnings) {
        this.spec = spec;
        this.bestSaved = bestSoFar;
        this.warnings = warnings;
    }

    @Override
    public synchronized Optional<String> completed(TrialPlan plan, ComputationGraph net, TrainingResult result,
                                                   CharTokenizer tokenizer, double finalValLoss) {
        if (!shouldSave(result.bestValLoss())) {
            return Optional.empty();
        }
        Path target = spec.pathOf(plan.searchId(), plan.trialId());
        CheckpointManifest manifest = new CheckpointManifest(plan.hyperparameters(), tokenizer.symbols(),
                plan.searchId(), plan.trialId(), result.steps(), finalValLoss);
        try {
            CheckpointWriter.write(net, manifest, target);
        } catch (UncheckedIOException | CheckpointException e) {
            warnings.println("warning: trial " + plan.trialId() + " completed but its model was not saved: "
                    + e.getMessage());
            return Optional.empty();
        }
        if (Double.isNaN(bestSaved) || result.bestValLoss() < bestSaved) {
            bestSaved = result.bestValLoss();
        }
        return Optional.of(target.toString());
    }

    private boolean shouldSave(double bestValLoss) {
        return switch (spec.policy()) {
            case NONE -> false;
            case ALL -> true;
            case BEST -> !Double.isNaN(bestValLoss) && (Double.isNaN(bestSaved) || bestValLoss < bestSaved);
        };
    }
}
