package io.hpo.aggregator.results;

/** The search exists but cannot answer yet, e.g. no trial has a finite evaluation. */
public class NotReadyException extends Exception {
    public NotReadyException(String message) {
        super(message);
    }
}
