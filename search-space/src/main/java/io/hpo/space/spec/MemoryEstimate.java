package io.hpo.space.spec;

import io.hpo.space.Hyperparameter;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A rough upper estimate of what one trial needs to train, for the largest value each hyperparameter can take in a
 * space (maxima taken independently, so the estimate can only be too high). It is not a prediction of a trial's
 * footprint: it exists so that an extra zero in a spec fails at load time instead of as an out-of-memory error on
 * an executor. Counted in 4-byte floats:
 * <ul>
 *   <li>parameters {@code P = layers × (4 + 2 × mlp) × width² + seq × width} (Q, K, V, O, the MLP, positions),
 *   four copies (weights, gradients, two Adam moments);</li>
 *   <li>activations kept for the backward pass, twice (forward and gradients):
 *   {@code layers × batch × (seq × width × (10 + 3 × mlp) + 3 × heads × seq²)} (the block's projections, norms and
 *   MLP, and the attention scores, softmax and mask per head).</li>
 * </ul>
 * The vocabulary is unknown until the data is read and is left out; the data check bounds it.
 */
final class MemoryEstimate {

    private static final double BYTES_PER_FLOAT = 4;
    private static final double GIB = 1L << 30;

    private MemoryEstimate() {
    }

    /** Why the largest configuration of {@code space} cannot fit in one trial, or empty when it can. */
    static Optional<String> problem(Map<String, ParamSpec> space) {
        double batch = largest(space, Hyperparameter.BATCH_SIZE.name());
        double seq = largest(space, Hyperparameter.SEQ_LENGTH.name());
        double width = largest(space, Hyperparameter.WIDTH.name());
        double heads = largest(space, Hyperparameter.HEADS.name());
        double layers = largest(space, Hyperparameter.LAYERS.name());
        double mlp = largest(space, Hyperparameter.MLP_MULTIPLIER.name());
        double parameters = layers * (4 + 2 * mlp) * width * width + seq * width;
        double activations = layers * batch * (seq * width * (10 + 3 * mlp) + 3 * heads * seq * seq);
        double bytes = BYTES_PER_FLOAT * (4 * parameters + 2 * activations);
        if (bytes <= SpecLimits.MAX_TRIAL_MEMORY_BYTES) {
            return Optional.empty();
        }
        return Optional.of(String.format(Locale.ROOT, "the largest configuration of this space "
                        + "(batch_size %d, seq_length %d, width %d, heads %d, layers %d, mlp_multiplier %d) needs "
                        + "about %,.0f GiB to train, more than the %d GiB one trial may use: lower batch_size, "
                        + "seq_length, width or layers", (long) batch, (long) seq, (long) width, (long) heads,
                (long) layers, (long) mlp, bytes / GIB, SpecLimits.MAX_TRIAL_MEMORY_BYTES >> 30));
    }

    private static double largest(Map<String, ParamSpec> space, String name) {
        return space.get(name).largest();
    }
}
