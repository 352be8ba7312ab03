package io.hpo.worker.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The parameters of an {@link ExplicitGradientLayer}, in order: each a {@code [rows, cols]} row-major slice of the
 * layer's flat parameter (and gradient) view, so that updates, averaging and checkpoints see one flat vector.
 * Weight parameters get weight decay; bias parameters (biases, LayerNorm gains and biases) do not.
 */
final class ParamLayout implements ParamInitializer {

    /** How a parameter starts. */
    enum Init { NORMAL, ONES, ZEROS }

    record Param(String name, long rows, long cols, boolean weight, Init init) {
        long length() {
            return rows * cols;
        }
    }

    private final List<Param> params = new ArrayList<>();

    ParamLayout weight(String name, long rows, long cols) {
        params.add(new Param(name, rows, cols, true, Init.NORMAL));
        return this;
    }

    ParamLayout bias(String name, long length, Init init) {
        params.add(new Param(name, 1, length, false, init));
        return this;
    }

    @Override
    public long numParams(NeuralNetConfiguration conf) {
        return numParams(conf.getLayer());
    }

    @Override
    public long numParams(Layer layer) {
        return params.stream().mapToLong(Param::length).sum();
    }

    @Override
    public List<String> paramKeys(Layer layer) {
        return params.stream().map(Param::name).toList();
    }

    @Override
    public List<String> weightKeys(Layer layer) {
        return params.stream().filter(Param::weight).map(Param::name).toList();
    }

    @Override
    public List<String> biasKeys(Layer layer) {
        return params.stream().filter(p -> !p.weight()).map(Param::name).toList();
    }

    @Override
    public boolean isWeightParam(Layer layer, String key) {
        return weightKeys(layer).contains(key);
    }

    @Override
    public boolean isBiasParam(Layer layer, String key) {
        return biasKeys(layer).contains(key);
    }

    @Override
    public Map<String, INDArray> init(NeuralNetConfiguration conf, INDArray paramsView, boolean initialize) {
        Map<String, INDArray> views = views(paramsView);
        if (initialize) {
            for (Param p : params) {
                INDArray view = views.get(p.name());
                switch (p.init()) {
                    case NORMAL -> LayerInit.normal(view, CausalTransformerBlock.INIT_STD);
                    case ONES -> view.assign(1);
                    case ZEROS -> view.assign(0);
                }
            }
        }
        return views;
    }

    @Override
    public Map<String, INDArray> getGradientsFromFlattened(NeuralNetConfiguration conf, INDArray gradientView) {
        return views(gradientView);
    }

    private Map<String, INDArray> views(INDArray flat) {
        Map<String, INDArray> views = new LinkedHashMap<>();
        long offset = 0;
        INDArray row = flat.reshape(1, flat.length());
        for (Param p : params) {
            views.put(p.name(), row.get(NDArrayIndex.point(0), NDArrayIndex.interval(offset, offset + p.length()))
                    .reshape('c', p.rows(), p.cols()));
            offset += p.length();
        }
        return views;
    }
}
