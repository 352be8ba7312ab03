package io.hpo.driver.bus;

/** A driver did not get its search's lease; the message says why, in one line for the user. */
public final class LeaseRefusedException extends Exception {
    public LeaseRefusedException(String message) {
        super(message);
    }
}
