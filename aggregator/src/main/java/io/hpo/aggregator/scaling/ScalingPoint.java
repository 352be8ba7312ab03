package io.hpo.aggregator.scaling;

/** One finished trial as the scaling fit sees it: its model size N, its data size D and the loss it reached. */
public record ScalingPoint(String trialId, double parameters, double tokens, double loss) {

    /** Whether the fit can use it: positive sizes and a finite positive loss. */
    public boolean usable() {
        return parameters > 0 && tokens > 0 && Double.isFinite(loss) && loss > 0
                && Double.isFinite(parameters) && Double.isFinite(tokens);
    }
}
