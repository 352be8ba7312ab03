package io.hpo.aggregator.store;

import java.time.Instant;
import java.util.List;

/** A trial's training curve: every worker's step losses, ordered by step then worker, and its evaluations by step. */
public record Curve(List<Step> steps, List<Evaluation> evaluations) {

    /** One worker's optimizer step; loss may be NaN or infinite. */
    public record Step(long step, int worker, double loss, double learningRate, long tokensSeen, Instant wallTime) {
    }

    /** One validation run. */
    public record Evaluation(long step, double valLoss, long tokensSeen, Instant time) {
    }
}
