package io.hpo.driver.warm;

import io.hpo.space.sampler.FinishedTrial;
import io.hpo.space.spec.DataSpec;
import io.hpo.space.spec.SearchSpec;
import io.hpo.space.spec.SpecException;
import io.hpo.space.spec.SpecLoader;
import io.hpo.space.warm.WarmStart;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Reads a spec's strategy.warm_start before Spark starts: each earlier search's ended trials, mapped into the new
 * space ({@link WarmStart}), one line each saying how many the sampler learns from and how many were left out. An
 * earlier search that has not finished gives the trials that ended so far, with a warning (a resume may then see
 * more); one trained on other data, another demo task or another step budget gives its trials all the same, with a
 * warning, as its losses are comparable only roughly. With random or grid search nothing is read: they learn
 * nothing from losses.
 */
public final class WarmStarts {

    private WarmStarts() {
    }

    /**
     * The warm trials of {@code spec}, the spec of search {@code searchId}: earlier searches in the order listed,
     * each in trial id order.
     */
    public static List<FinishedTrial> load(SearchSpec spec, String searchId, ResultsApi api, PrintStream out)
            throws WarmStartException {
        List<String> ids = spec.strategy().warmStart();
        if (ids.isEmpty()) {
            return List.of();
        }
        if (ids.contains(searchId)) {
            // its own trials would count twice, as warm ones and as its own
            throw new WarmStartException("warm start: search " + searchId + " lists itself in strategy.warm_start");
        }
        if (!spec.strategy().learnsFromHistory()) {
            out.println("warning: warm_start has no effect with strategy "
                    + spec.strategy().type().name().toLowerCase(Locale.ROOT)
                    + ": only tpe and gp learn from earlier trials; " + String.join(", ", ids) + " not read");
            return List.of();
        }
        List<FinishedTrial> warm = new ArrayList<>();
        for (String id : ids) {
            EarlierSearch earlier = api.search(id, spec.strategy().tpe().multiFidelity());
            if (!earlier.finished()) {
                out.println("warning: warm start: search " + id + " has not finished; its trials that ended so far"
                        + " are used");
            }
            difference(earlier, spec).ifPresent(d -> out.println("warning: warm start: search " + id + " " + d
                        + "; its trials are used all the same"));
            WarmStart mapped = WarmStart.map(id, earlier.trials(), spec);
            out.println(mapped.summary());
            warm.addAll(mapped.trials());
        }
        return warm;
    }

    /** How the earlier search's data or step budget differs from the new one's; empty when they agree. */
    static Optional<String> difference(EarlierSearch earlier, SearchSpec spec) {
        if (earlier.specYaml() == null) {
            return Optional.of("has no recorded spec yet, so its data cannot be compared");
        }
        SearchSpec before;
        try {
            before = SpecLoader.parseRecorded(earlier.specYaml(), "search " + earlier.searchId() + " (recorded spec)");
        } catch (SpecException | IllegalArgumentException e) {
            return Optional.of("has a recorded spec this driver cannot read (" + e.getMessage() + ")");
        }
        if (!before.data().equals(spec.data())) {
            return Optional.of("trained on " + describe(before.data()) + ", this search on " + describe(spec.data()));
        }
        long steps = before.budget().maxStepsPerTrial();
        if (steps != spec.budget().maxStepsPerTrial()) {
            return Optional.of("trained trials for up to " + steps + " steps, this search for up to "
                    + spec.budget().maxStepsPerTrial());
        }
        return Optional.empty();
    }

    private static String describe(DataSpec data) {
        return data.isDemo() ? "the demo corpus (task " + data.demoTask() + ", " + data.demoSentences()
                + " sentences, validation fraction " + data.validationFraction() + ")"
                : data.source() + " (validation fraction " + data.validationFraction() + ")";
    }
}
