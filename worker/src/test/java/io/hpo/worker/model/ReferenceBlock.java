package io.hpo.worker.model;

import java.util.Map;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A pre-LN causal transformer block written out with loops over plain arrays: the specification the SameDiff
 * block is tested against. Activations are {@code [batch][width][seqLength]} like DL4J's recurrent layout.
 */
final class ReferenceBlock {

    private ReferenceBlock() {
    }

    static double[][][] forward(double[][][] input, Map<String, INDArray> p, int heads) {
        double[][][] out = new double[input.length][][];
        for (int b = 0; b < input.length; b++) {
            out[b] = transpose(sequence(transpose(input[b]), p, heads));
        }
        return out;
    }

    /** One sequence, tokens as rows {@code [seqLength][width]}. */
    private static double[][] sequence(double[][] x, Map<String, INDArray> p, int heads) {
        int seq = x.length;
        int width = x[0].length;
        int headSize = width / heads;
        double[][] h = layerNorm(x, p.get(CausalTransformerBlock.LN_ATTN_GAIN), p.get(CausalTransformerBlock.LN_ATTN_BIAS));
        double[][] qkv = linear(h, p.get(CausalTransformerBlock.QKV_WEIGHT), p.get(CausalTransformerBlock.QKV_BIAS));
        double[][] context = new double[seq][width];
        for (int head = 0; head < heads; head++) {
            int q0 = head * headSize;
            int k0 = width + head * headSize;
            int v0 = 2 * width + head * headSize;
            for (int i = 0; i < seq; i++) {
                double[] weights = new double[i + 1];
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j <= i; j++) {
                    double dot = 0;
                    for (int d = 0; d < headSize; d++) {
                        dot += qkv[i][q0 + d] * qkv[j][k0 + d];
                    }
                    weights[j] = dot / Math.sqrt(headSize);
                    max = Math.max(max, weights[j]);
                }
                double sum = 0;
                for (int j = 0; j <= i; j++) {
                    weights[j] = Math.exp(weights[j] - max);
                    sum += weights[j];
                }
                for (int j = 0; j <= i; j++) {
                    for (int d = 0; d < headSize; d++) {
                        context[i][q0 + d] += weights[j] / sum * qkv[j][v0 + d];
                    }
                }
            }
        }
        double[][] x1 = add(x, linear(context, p.get(CausalTransformerBlock.PROJ_WEIGHT),
                p.get(CausalTransformerBlock.PROJ_BIAS)));
        double[][] m = layerNorm(x1, p.get(CausalTransformerBlock.LN_MLP_GAIN), p.get(CausalTransformerBlock.LN_MLP_BIAS));
        m = linear(m, p.get(CausalTransformerBlock.UP_WEIGHT), p.get(CausalTransformerBlock.UP_BIAS));
        for (double[] row : m) {
            for (int k = 0; k < row.length; k++) {
                double v = row[k];
                row[k] = v / (1 + Math.exp(-1.702 * v));
            }
        }
        return add(x1, linear(m, p.get(CausalTransformerBlock.DOWN_WEIGHT), p.get(CausalTransformerBlock.DOWN_BIAS)));
    }

    /** Without an epsilon: the test inputs have unit-scale variance, where ND4J's tiny epsilon does not show. */
    private static double[][] layerNorm(double[][] x, INDArray gain, INDArray bias) {
        double[][] out = new double[x.length][x[0].length];
        for (int i = 0; i < x.length; i++) {
            double mean = 0;
            for (double v : x[i]) {
                mean += v / x[i].length;
            }
            double var = 0;
            for (double v : x[i]) {
                var += (v - mean) * (v - mean) / x[i].length;
            }
            for (int c = 0; c < x[i].length; c++) {
                out[i][c] = (x[i][c] - mean) / Math.sqrt(var) * gain.getDouble(c) + bias.getDouble(c);
            }
        }
        return out;
    }

    private static double[][] linear(double[][] x, INDArray w, INDArray bias) {
        double[][] out = new double[x.length][(int) w.size(1)];
        for (int i = 0; i < x.length; i++) {
            for (int o = 0; o < out[i].length; o++) {
                double s = bias.getDouble(o);
                for (int k = 0; k < x[i].length; k++) {
                    s += x[i][k] * w.getDouble(k, o);
                }
                out[i][o] = s;
            }
        }
        return out;
    }

    private static double[][] add(double[][] a, double[][] b) {
        double[][] out = new double[a.length][a[0].length];
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a[i].length; j++) {
                out[i][j] = a[i][j] + b[i][j];
            }
        }
        return out;
    }

    private static double[][] transpose(double[][] m) {
        double[][] out = new double[m[0].length][m.length];
        for (int i = 0; i < m.length; i++) {
            for (int j = 0; j < m[i].length; j++) {
                out[j][i] = m[i][j];
            }
        }
        return out;
    }
}
