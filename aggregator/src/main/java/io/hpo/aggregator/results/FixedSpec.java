package io.hpo.aggregator.results;

import io.hpo.space.Hyperparameters;
import io.hpo.space.spec.SearchSpec;
import io.hpo.space.spec.SpecException;
import io.hpo.space.spec.SpecLoader;
import io.hpo.space.spec.SpecWriter;

import java.util.Map;

/** Turns a search's spec and one trial's hyperparameters into a spec that trains exactly that trial. */
final class FixedSpec {
    private FixedSpec() {
    }

    /** Throws IllegalStateException when the stored spec or configuration no longer loads. */
    static String render(String specYaml, String searchId, Map<String, Object> config) {
        try {
            SearchSpec spec = SpecLoader.parseRecorded(specYaml, "search " + searchId);
            return SpecWriter.withFixed(spec, Hyperparameters.fromMap(config));
        } catch (SpecException | IllegalArgumentException e) {
            throw new IllegalStateException("cannot write the best spec of search '" + searchId + "': "
                    + e.getMessage(), e);
        }
    }
}
