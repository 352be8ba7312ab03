package io.hpo.worker.trial;

import io.hpo.worker.data.CharTokenizer;
import org.deeplearning4j.nn.graph.ComputationGraph;

import java.util.Optional;

/** Decides whether a completed trial's model is saved, and saves it. */
@FunctionalInterface
public interface CheckpointSink {
    /** Saves nothing. */
    CheckpointSink NONE = (plan, net, result, tokenizer, finalValLoss) -> Optional.empty();

    /**
     * Called once per completed trial, on the driver, with the trained (averaged) network.
     *
     * @param finalValLoss the validation loss of {@code net} as it is (the evaluation at the last step)
     * @return where the model was saved, or empty when it was not
     */
    Optional<String> completed(TrialPlan plan, ComputationGraph net, TrainingResult result, CharTokenizer tokenizer,
                               double finalValLoss);
}
