package io.hpo.driver;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** What a search ended with: its status and every trial it ran. */
public record SearchOutcome(String searchId, SearchStatus status, List<TrialSummary> trials, long wallTimeMs) {

    /** The trial with the lowest validation loss, ties to fewer tokens. */
    public Optional<TrialSummary> best() {
        return trials.stream()
                .filter(t -> !Double.isNaN(t.result().bestValLoss()))
                .min(Comparator.comparingDouble((TrialSummary t) -> t.result().bestValLoss())
                        .thenComparingLong(t -> t.result().tokensAtBest()));
    }
}
