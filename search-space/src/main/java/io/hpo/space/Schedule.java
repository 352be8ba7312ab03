package io.hpo.space;

/** Learning-rate schedule after the linear warm-up. */
public enum Schedule {
    /** stay at the peak learning rate */
    CONSTANT,
    /** decay linearly from the peak to zero at the last step */
    LINEAR,
    /** half-cosine from the peak to zero at the last step */
    COSINE
}
