package io.hpo.driver;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * What a search ended with: its status and every trial it ran.
 *
 * @param budgetReached for BUDGET_EXHAUSTED, the spend budget reached and what was spent; otherwise empty
 * @param startedMs     when this driver started the search, epoch milliseconds
 */
public record SearchOutcome(String searchId, SearchStatus status, Optional<String> budgetReached,
                            List<TrialSummary> trials, long startedMs, long wallTimeMs) {

    /** The trial with the lowest validation loss, ties to fewer tokens. */
    public Optional<TrialSummary> best() {
        return trials.stream()
                .filter(t -> !Double.isNaN(t.result().bestValLoss()))
                .min(Comparator.comparingDouble((TrialSummary t) -> t.result().bestValLoss())
                        .thenComparingLong(t -> t.result().tokensAtBest()));
    }
}
