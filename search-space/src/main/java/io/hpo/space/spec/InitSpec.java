package io.hpo.space.spec;

import java.io.Serializable;
import java.util.Objects;

/**
 * The pretrained checkpoint every trial of a fine-tuning search starts from.
 *
 * @param checkpoint absolute path of the checkpoint file
 * @param fromTrial  {@code SEARCH/TRIAL} when the spec named a trial rather than a file, else null
 */
public record InitSpec(String checkpoint, String fromTrial) implements Serializable {
    public InitSpec {
        Objects.requireNonNull(checkpoint, "checkpoint");
    }
}
