package io.hpo.aggregator.results;

/** The search has finished: nothing can change it any more (no cancel, no enqueued trial). */
public class SearchFinishedException extends Exception {
    public SearchFinishedException(String message) {
        super(message);
    }
}
