package io.hpo.space.sampler;

import io.hpo.space.Hyperparameters;
import io.hpo.space.spec.EnqueuedConfigs;
import io.hpo.space.spec.SearchSpec;

import java.util.Map;

/**
 * Completes an enqueued configuration into the trial that runs it. Rule: the given values stay as given; the others
 * are drawn as the random strategy draws them, from the spec's space with the given values fixed (and the parent of
 * a given conditional hyperparameter narrowed to the choices where that value applies), redrawn until the constraints
 * hold and, where the space allows, until the configuration is one no trial tried. The draw is seeded with the spec's
 * seed and the trial's index, so the same search fills the same way.
 * <p>
 * Why not the search's own sampler: a model-based suggestion is one point chosen as a whole, and overriding part of
 * it leaves a point no model chose, no better than a random one; and a suggestion overridden after the fact can break
 * a constraint, where a draw from the narrowed space meets them by construction (the configuration was checked to
 * allow such a draw when it was enqueued).
 */
public final class EnqueuedFill {

    private EnqueuedFill() {
    }

    /**
     * The trial for {@code given} (map form, checked with {@link EnqueuedConfigs#check}), the search's
     * {@code index}-th.
     */
    public static Hyperparameters complete(SearchSpec spec, Map<String, Object> given, int index,
                                           SearchHistory history) {
        SamplingSpace around = new SamplingSpace(spec.name(), spec.seed() * 31 + index,
                EnqueuedConfigs.spaceAround(spec.space(), given), spec.constraints());
        // every completion tried already: the configuration was asked for, so it runs again
        return new RandomSampler(around).suggest(history)
                .or(() -> new RandomSampler(around).suggest(SearchHistory.empty()))
                .orElseThrow(() -> new IllegalStateException("no trial of " + spec.name() + " completes " + given));
    }
}
