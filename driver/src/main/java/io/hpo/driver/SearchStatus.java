package io.hpo.driver;

/** Final status of a search, published with SEARCH_FINISHED. */
public enum SearchStatus {
    /** every budgeted trial ran (or the space was exhausted) */
    COMPLETED,
    /** the wall-time budget ran out first; trials running then ended FAILED */
    WALL_TIME_EXCEEDED,
    /**
     * a spend budget (max_tokens, max_energy_kwh, ...) was reached: no trial started after that, trials already
     * running finished; SEARCH_FINISHED's reason names the budget
     */
    BUDGET_EXHAUSTED,
    /** cancelled through the API; trials running then ended FAILED with the request as their reason */
    CANCELLED,
    /** the search could not go on (bad data, lost event bus) */
    FAILED
}
