package io.hpo.events;

/** What a control message asks the driver to do. */
public enum ControlType {
    /** stop every running trial of the search and start no new one */
    CANCEL_SEARCH,
    /** stop one trial; the search goes on */
    CANCEL_TRIAL,
    /** run a configuration (some or all hyperparameters) as the search's next trial */
    ENQUEUE_TRIAL
}
