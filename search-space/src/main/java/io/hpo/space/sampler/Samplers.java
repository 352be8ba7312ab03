package io.hpo.space.sampler;

import io.hpo.space.spec.SearchSpec;

/** Picks the sampler a spec's strategy asks for. */
public final class Samplers {

    private Samplers() {
    }

    public static Sampler forSpec(SearchSpec spec) {
        SamplingSpace space = SamplingSpace.of(spec);
        return switch (spec.strategy().type()) {
            case RANDOM -> new RandomSampler(space);
            case GRID -> new GridSampler(space, spec.strategy().gridPoints());
            case TPE -> new TpeSampler(space, spec.strategy().tpe());
            case GP -> new GpSampler(space, spec.strategy().gp());
        };
    }
}
