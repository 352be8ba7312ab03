package io.hpo.aggregator.results;

/** A search or trial id the store has never seen. */
public class UnknownIdException extends Exception {
    public UnknownIdException(String message) {
        super(message);
    }
}
