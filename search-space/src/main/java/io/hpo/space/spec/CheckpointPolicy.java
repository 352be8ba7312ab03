package io.hpo.space.spec;

/** Which completed trials save their trained model. */
public enum CheckpointPolicy {
    /** a completed trial whose best validation loss beats every checkpoint saved before in the search */
    BEST,
    /** every completed trial */
    ALL,
    /** none */
    NONE
}
