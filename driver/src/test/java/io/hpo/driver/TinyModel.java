package io.hpo.driver;

/** The spec's space block of a model small enough for a search of several trials to run in a test's minute. */
final class TinyModel {
    private TinyModel() {
    }

    /** {@code space:} with the given learning-rate form (fixed or searched) and everything else fixed and tiny. */
    static String space(String learningRate) {
        return """
                space:
                  learning_rate: %s
                  batch_size: 8
                  layers: 1
                  width: 16
                  heads: 2
                  mlp_multiplier: 2
                  seq_length: 16
                """.formatted(learningRate);
    }
}
