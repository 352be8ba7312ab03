package io.hpo.space.sampler;

import io.hpo.space.spec.SearchSpec;

/** Picks the sampler a spec's strategy asks for. */
public final class Samplers {

    private Samplers() {
    }

    public static Sampler forSpec(SearchSpec spec) {
        return switch (spec.strategy().type()) {
            case RANDOM -> new RandomSampler(spec);
            case GRID -> new GridSampler(spec);
            case TPE -> new TpeSampler(spec);
            case GP -> new GpSampler(spec);
        };
    }
}
