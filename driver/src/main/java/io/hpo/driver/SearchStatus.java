package io.hpo.driver;

/** Final status of a search, published with SEARCH_FINISHED. */
public enum SearchStatus {
    /** every budgeted trial ran (or the space was exhausted) */
    COMPLETED,
    /** the wall-time budget ran out first; trials running then ended FAILED */
    WALL_TIME_EXCEEDED,
    /** cancelled through the API; trials running then ended FAILED with the request as their reason */
    CANCELLED,
    /** the search could not go on (bad data, lost event bus) */
    FAILED
}
