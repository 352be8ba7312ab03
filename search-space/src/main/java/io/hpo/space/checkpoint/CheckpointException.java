package io.hpo.space.checkpoint;

/** A checkpoint that cannot be used: missing, corrupt, or not saved by hpo. The message names the file. */
public final class CheckpointException extends RuntimeException {
    public CheckpointException(String message) {
        super(message);
    }
}
