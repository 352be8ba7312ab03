package io.hpo.space;

/** What a trial that starts from a checkpoint trains. */
public enum FineTuneMode {
    /** every block above the {@code frozen_blocks} lowest ones, the final norm and the output head */
    FULL,
    /** only the output head: the whole pretrained transformer is a fixed feature extractor */
    FEATURE_EXTRACTION
}
