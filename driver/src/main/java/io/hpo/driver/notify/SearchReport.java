package io.hpo.driver.notify;

import io.hpo.driver.SearchOutcome;
import io.hpo.driver.SearchStatus;
import io.hpo.driver.TrialSummary;
import io.hpo.events.EventCodec;
import io.hpo.events.TrialStatus;
import io.hpo.space.cost.Spend;
import io.hpo.space.spec.Durations;
import io.hpo.space.spec.SearchSpec;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The JSON summary a webhook receives when a search ends (field names as the HTTP API's). A failed search ended
 * without its trials' results reaching the driver's hand, so its trials, best and spend are null and
 * {@code error} says why.
 *
 * @param outcome       the search's status as {@link SearchStatus} names it
 * @param budgetReached the budget that ended the search (BUDGET_EXHAUSTED, WALL_TIME_EXCEEDED), else null
 * @param trials        finished trials by status, and {@code total}
 * @param startedAt     when the driver started the search, ISO-8601 UTC ({@code endedAt} likewise)
 * @param dashboardUrl  the search's page on the dashboard, null when the driver was not told where that is
 */
public record SearchReport(String searchId, String name, String outcome, String budgetReached, String error,
                           Map<String, Integer> trials, Best best, Spend spend, String startedAt, String endedAt,
                           String dashboardUrl) {

    /** The best trial: lowest validation loss, ties to fewer tokens. */
    public record Best(String trialId, double validationLoss, long step, long tokensSeen,
                       Map<String, Object> hyperparameters) {
    }

    static SearchReport ended(SearchSpec spec, SearchOutcome outcome, Instant endedAt, Optional<String> dashboard) {
        String budget = switch (outcome.status()) {
            case BUDGET_EXHAUSTED -> outcome.budgetReached().orElse(null);
            case WALL_TIME_EXCEEDED -> "max_wall_time " + Durations.format(spec.budget().maxWallTime());
            default -> null;
        };
        Best best = outcome.best().map(t -> new Best(t.trialId(), t.result().bestValLoss(), t.result().bestStep(),
                t.result().tokensAtBest(), t.hyperparameters().toMap())).orElse(null);
        return new SearchReport(outcome.searchId(), spec.name(), outcome.status().name(), budget, null,
                countByStatus(outcome.trials()), best, totalSpend(outcome.trials()),
                Instant.ofEpochMilli(outcome.startedMs()).toString(), endedAt.toString(),
                link(dashboard, outcome.searchId()));
    }

    static SearchReport failed(SearchSpec spec, String searchId, String error, Instant startedAt, Instant endedAt,
                               Optional<String> dashboard) {
        return new SearchReport(searchId, spec.name(), SearchStatus.FAILED.name(), null, error, null, null, null,
                startedAt.toString(), endedAt.toString(), link(dashboard, searchId));
    }

    byte[] json() {
        return EventCodec.encode(this);
    }

    private static Map<String, Integer> countByStatus(List<TrialSummary> trials) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        counts.put("total", trials.size());
        for (TrialStatus status : TrialStatus.values()) {
            int n = (int) trials.stream().filter(t -> t.result().outcome() == status).count();
            if (n > 0) {
                counts.put(status.name(), n);
            }
        }
        return counts;
    }

    private static Spend totalSpend(List<TrialSummary> trials) {
        return trials.stream().map(TrialSummary::spend).reduce(Spend.NONE, Spend::plus);
    }

    /** The dashboard's search page: its single-page app routes on the fragment. */
    private static String link(Optional<String> dashboard, String searchId) {
        return dashboard.map(base -> (base.endsWith("/") ? base : base + "/") + "#/search/" + searchId).orElse(null);
    }
}
