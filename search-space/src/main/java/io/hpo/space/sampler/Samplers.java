package io.hpo.space.sampler;

import io.hpo.space.spec.SearchSpec;

import java.util.List;

/** Picks the sampler a spec's strategy asks for. */
public final class Samplers {

    private Samplers() {
    }

    public static Sampler forSpec(SearchSpec spec) {
        SamplingSpace space = SamplingSpace.of(spec);
        return switch (spec.strategy().type()) {
            // pbt draws its initial population at random, and explores from there itself
            case RANDOM, PBT -> new RandomSampler(space);
            case GRID -> new GridSampler(space, spec.strategy().gridPoints());
            case TPE -> new TpeSampler(space, spec.strategy().tpe(), spec.objectives());
            case GP -> new GpSampler(space, spec.strategy().gp());
            case AUTO -> throw new IllegalArgumentException("strategy auto is resolved when the spec loads");
        };
    }

    /**
     * The spec's sampler, learning from {@code warm}, earlier searches' trials, too where it learns from losses at
     * all ({@link WarmStartedSampler}).
     */
    public static Sampler forSpec(SearchSpec spec, List<FinishedTrial> warm) {
        Sampler sampler = forSpec(spec);
        return warm.isEmpty() || !spec.strategy().learnsFromHistory() ? sampler : new WarmStartedSampler(sampler, warm);
    }
}
