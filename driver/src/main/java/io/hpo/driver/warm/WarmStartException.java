package io.hpo.driver.warm;

/** A warm start that cannot be read: an unknown search, an aggregator that does not answer or answers nonsense. */
public final class WarmStartException extends Exception {

    WarmStartException(String message) {
        super(message);
    }

    WarmStartException(String message, Throwable cause) {
        super(message, cause);
    }
}
