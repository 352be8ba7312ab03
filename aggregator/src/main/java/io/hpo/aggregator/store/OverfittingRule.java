package io.hpo.aggregator.store;

import java.util.Locale;
import java.util.Optional;

/**
 * Whether a trial looks overfitted, judged at its latest evaluation: the validation loss there against the mean
 * training loss (all workers) of the steps since the evaluation before it. Either of:
 * <ul>
 *   <li><b>gap</b>: validation loss exceeds training loss by more than {@value #MAX_GAP_NATS} nats and by more than
 *   a factor {@value #MAX_RATIO}. The ratio keeps a 0.5-nat gap at a high loss (early training, noisy
 *   validation) from counting; the gap keeps a large ratio of two small losses from counting;</li>
 *   <li><b>memorising</b>: training loss below {@value #MEMORISED_NATS} nats per token while the model has at
 *   least as many parameters as the training split has tokens (N ≥ D). A model that size can store its data, and
 *   on natural text a loss near zero means it did (arXiv 2405.08707 relates memorisation to N and D).</li>
 * </ul>
 * Training losses include dropout, which raises them; the rule errs towards not flagging.
 */
public final class OverfittingRule {
    public static final double MAX_GAP_NATS = 0.5;
    public static final double MAX_RATIO = 1.25;
    public static final double MEMORISED_NATS = 0.1;

    private OverfittingRule() {
    }

    /**
     * @param step           the latest evaluation's step
     * @param validationLoss its loss
     * @param trainingLoss   mean training loss of the steps leading to it; null or non-finite: no verdict
     * @param parameters     N, null while unknown
     * @param trainingTokens D, null while unknown
     * @return why the trial is flagged, or empty
     */
    public static Optional<String> verdict(long step, double validationLoss, Double trainingLoss, Long parameters,
                                           Long trainingTokens) {
        if (trainingLoss == null || !Double.isFinite(trainingLoss) || !Double.isFinite(validationLoss)) {
            return Optional.empty();
        }
        double gap = validationLoss - trainingLoss;
        if (gap > MAX_GAP_NATS && validationLoss > MAX_RATIO * trainingLoss) {
            return Optional.of(String.format(Locale.ROOT, "validation loss %.3f exceeds training loss %.3f by %.3f"
                    + " nats (x%.2f) at step %d", validationLoss, trainingLoss, gap, validationLoss / trainingLoss,
                    step));
        }
        if (trainingLoss < MEMORISED_NATS && parameters != null && trainingTokens != null
                && parameters >= trainingTokens) {
            return Optional.of(String.format(Locale.ROOT, "training loss %.3f nats at step %d with N = %d parameters"
                    + " >= D = %d training tokens: memorising", trainingLoss, step, parameters, trainingTokens));
        }
        return Optional.empty();
    }
}
