package io.hpo.aggregator.scaling;

/**
 * L(N, D) = E + A / N^alpha + B / D^beta: the loss a model of N parameters reaches on D training tokens (Kaplan
 * et al. 2020, Hoffmann et al. 2022). A term a search could not identify (all its trials share one model size, or
 * one data size) has A = 0 or B = 0 and takes no part.
 *
 * @param e     E, the irreducible loss in nats: what no size removes
 * @param a     A, 0 when the model size's term was not fitted
 * @param alpha how fast the loss falls with N
 * @param b     B, 0 when the data size's term was not fitted
 * @param beta  how fast the loss falls with D
 */
public record ScalingLaw(double e, double a, double alpha, double b, double beta) {

    public boolean hasModelTerm() {
        return a > 0;
    }

    public boolean hasDataTerm() {
        return b > 0;
    }

    public double predict(double parameters, double tokens) {
        return e + (hasModelTerm() ? a / Math.pow(parameters, alpha) : 0)
                + (hasDataTerm() ? b / Math.pow(tokens, beta) : 0);
    }

    /**
     * The N and D that minimise the predicted loss for {@code flops} ≈ 6·N·D, Chinchilla's allocation:
     * N = G·(C/6)^(beta/(alpha+beta)), D = (C/6)^(alpha/(alpha+beta)) / G, G = (alpha·A / (beta·B))^(1/(alpha+beta)).
     * Only for a law with both terms (with one, the loss falls forever along the other axis).
     */
    public Allocation allocate(double flops) {
        if (!hasModelTerm() || !hasDataTerm() || !(alpha > 0) || !(beta > 0)) {
            throw new IllegalStateException("a compute budget is split between N and D only by a law with both"
                    + " terms");
        }
        double sum = alpha + beta;
        double g = Math.pow(alpha * a / (beta * b), 1 / sum);
        double half = flops / 6;
        double n = g * Math.pow(half, beta / sum);
        double d = Math.pow(half, alpha / sum) / g;
        return new Allocation(flops, n, d, predict(n, d));
    }

    /** A compute budget's best model size N, data size D and the loss predicted for them. */
    public record Allocation(double flops, double parameters, double tokens, double loss) {
    }
}
