package io.hpo.worker.model;

import java.util.Objects;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * Adds a learned vector per position to the token embeddings: input and output {@code [batch, width, seqLength]},
 * parameter {@code [width, seqLength]} broadcast over the batch. Sequences must be exactly {@code seqLength} long.
 */
public class LearnedPositionEmbedding extends ExplicitGradientLayer {

    static final String POSITIONS = "positions";

    @JsonProperty("width")
    private int width;
    @JsonProperty("seqLength")
    private int seqLength;

    /** For JSON deserialisation. */
    protected LearnedPositionEmbedding() {
    }

    public LearnedPositionEmbedding(int width, int seqLength) {
        if (width < 1 || seqLength < 1) {
            throw new IllegalArgumentException("width and seqLength must be >= 1, got " + width + ", " + seqLength);
        }
        this.width = width;
        this.seqLength = seqLength;
    }

    @Override
    ParamLayout paramLayout() {
        return new ParamLayout().weight(POSITIONS, width, seqLength);
    }

    @Override
    ExplicitGradientLayerImpl<?> newLayer(NeuralNetConfiguration conf, DataType networkDataType) {
        return new LearnedPositionEmbeddingImpl(conf, networkDataType);
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType inputType) {
        return InputType.recurrent(width, seqLength);
    }

    public int getWidth() {
        return width;
    }

    public int getSeqLength() {
        return seqLength;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LearnedPositionEmbedding l && super.equals(o) && l.width == width
                && l.seqLength == seqLength;
    }

    @Override
    public int hashCode() {
        return Objects.hash(super.hashCode(), width, seqLength);
    }
}
