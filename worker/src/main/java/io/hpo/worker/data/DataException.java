package io.hpo.worker.data;

/**
 * Training data a search cannot use: empty, too small for the configured batches, not UTF-8 text, unreadable.
 * The message is for the user as it is: it names the data (file, and line where one applies) and the numbers.
 */
public final class DataException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    public DataException(String message) {
        super(message);
    }

    public DataException(String message, Throwable cause) {
        super(message, cause);
    }
}
