package io.hpo.space.spec;

import java.io.Serializable;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Where trained models go. The driver writes them (the averaged model lives there), so {@code dir} is a path on the
 * driver's filesystem; a later search that starts from one reads it on its driver, so searches whose drivers run on
 * different machines need {@code dir} on a shared filesystem.
 *
 * @param dir    absolute folder; a trial's checkpoint is {@link #pathOf}
 * @param policy which completed trials save
 */
public record CheckpointsSpec(String dir, CheckpointPolicy policy) implements Serializable {
    public static final String EXTENSION = ".zip";

    public CheckpointsSpec {
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(policy, "policy");
        if (!Path.of(dir).isAbsolute()) {
            throw new IllegalArgumentException("checkpoints.dir must be absolute, got " + dir);
        }
    }

    /** {@code dir/SEARCH/TRIAL.zip}: one file per trial, so from_trial resolves without the results store. */
    public Path pathOf(String searchId, String trialId) {
        return Path.of(dir, searchId, trialId + EXTENSION);
    }
}
