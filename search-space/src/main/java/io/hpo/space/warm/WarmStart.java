package io.hpo.space.warm;

import io.hpo.space.Hyperparameters;
import io.hpo.space.sampler.FinishedTrial;
import io.hpo.space.spec.ParamSpec;
import io.hpo.space.spec.SearchSpec;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The trials of one earlier search that a new search's model-based sampler learns from (strategy.warm_start).
 * Only trials that ended count; of a configuration only the hyperparameters the project still has are kept. A
 * hyperparameter the earlier trial lacks (it was added to the project since) takes the new space's value where the
 * new space fixes it; where the new space searches it the trial is dropped, as its loss says nothing about the
 * value. A trial whose configuration the new space could not have suggested ({@link SpaceMembership}: a value
 * outside a range or the choices, a different fixed value, a broken constraint) is dropped too: its loss was
 * measured somewhere the model does not reach, and with a fixed value changed it is a different experiment.
 *
 * @param searchId   the earlier search
 * @param trials     what the sampler learns, in the earlier search's trial order
 * @param outside    ended trials dropped as outside the new space
 * @param unfinished trials skipped because they had not ended
 */
public record WarmStart(String searchId, List<FinishedTrial> trials, int outside, int unfinished) {

    public WarmStart {
        trials = List.copyOf(trials);
    }

    /** Maps {@code earlier}, the trials of search {@code searchId}, into the space of {@code spec}. */
    public static WarmStart map(String searchId, List<EarlierTrial> earlier, SearchSpec spec) {
        List<FinishedTrial> kept = new ArrayList<>();
        int outside = 0;
        int unfinished = 0;
        for (EarlierTrial t : earlier) {
            if (!t.ended()) {
                unfinished++;
                continue;
            }
            Optional<Hyperparameters> config = inNewSpace(t.config(), spec);
            if (config.isEmpty()) {
                outside++;
                continue;
            }
            kept.add(new FinishedTrial(config.get(), t.loss(), t.steps(), t.evaluations()));
        }
        return new WarmStart(searchId, kept, outside, unfinished);
    }

    /** The configuration as the new space has it; empty when the new space could not have suggested it. */
    static Optional<Hyperparameters> inNewSpace(Map<String, Object> stored, SearchSpec spec) {
        Map<String, Object> values = new HashMap<>();
        for (Map.Entry<String, ParamSpec> e : spec.space().entrySet()) {
            Object value = stored.get(e.getKey());
            if (value == null && e.getValue() instanceof ParamSpec.Fixed fixed) {
                value = fixed.value();
            }
            if (value == null) {
                return Optional.empty();
            }
            values.put(e.getKey(), value);
        }
        Hyperparameters hp;
        try {
            hp = Hyperparameters.fromMap(values);
        } catch (IllegalArgumentException notAConfiguration) {
            return Optional.empty();
        }
        Map<String, Object> normalised = hp.toMap();
        return SpaceMembership.contains(spec.space(), spec.constraints(), normalised) ? Optional.of(hp)
                : Optional.empty();
    }

    /** What the search prints: how many trials it learns from, and how many it left out and why. */
    public String summary() {
        List<String> left = new ArrayList<>();
        if (outside > 0) {
            left.add(outside + " outside the new space dropped");
        }
        if (unfinished > 0) {
            left.add(unfinished + " unfinished skipped");
        }
        return "warm start: " + trials.size() + " trials from " + searchId
                + (left.isEmpty() ? "" : " (" + String.join(", ", left) + ")");
    }
}
