package io.hpo.events;

/** A Kafka record that is not a valid event of the expected kind and schema version. */
public class CorruptEventException extends Exception {
    public CorruptEventException(String message, Throwable cause) {
        super(message, cause);
    }
}
