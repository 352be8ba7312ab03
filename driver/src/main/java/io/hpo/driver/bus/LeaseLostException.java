package io.hpo.driver.bus;

/** A driver lost its search's lease while running it and must launch no more trials. */
public final class LeaseLostException extends RuntimeException {
    public LeaseLostException(String message) {
        super(message);
    }
}
