package io.hpo.space.cost;


import java.io.Serializable;

/**
 * What one trial, or a whole search, spent. Estimates, not meter readings: a worker is assumed to draw the spec's
 * device power for as long as its trial runs, and training FLOPs follow the usual 6 × parameters × tokens
 * (forward and backward pass of a dense transformer, attention's own FLOPs left out).
 *
 * @param executorSeconds wall time × workers held
 * @param tokens          training tokens processed
 * @param flops           estimated training FLOPs
 * @param energyKwh       device energy
 * @param co2Kg           emissions of that energy at the grid's carbon intensity
 * @param cost            price of the worker-hours, in the spec's currency
 */
public record Spend(double executorSeconds, long tokens, double flops, double energyKwh, double co2Kg, double cost)
        implements Serializable {

    public static final Spend NONE = new Spend(0, 0, 0, 0, 0, 0);
    /** Training FLOPs per parameter per token: 2 for the forward pass, 4 for the backward pass. */
    public static final double FLOPS_PER_PARAMETER_TOKEN = 6;
    private static final double JOULES_PER_KWH = 3.6e6;
    private static final double SECONDS_PER_HOUR = 3600;

    /** One trial's spend: {@code workers} held for {@code wallTimeMs}, {@code tokens} seen by {@code parameters}. */
    public static Spend ofTrial(CostSpec prices, long parameters, int workers, long wallTimeMs, long tokens) {
        if (parameters < 0 || workers < 1 || wallTimeMs < 0 || tokens < 0) {
            throw new IllegalArgumentException("parameters " + parameters + ", workers " + workers + ", wall time "
                    + wallTimeMs + " ms, tokens " + tokens + ": none may be negative, workers at least 1");
        }
        double executorSeconds = wallTimeMs / 1000.0 * workers;
        double energyKwh = prices.deviceWatts() * executorSeconds / JOULES_PER_KWH;
        return new Spend(executorSeconds, tokens, FLOPS_PER_PARAMETER_TOKEN * parameters * tokens, energyKwh,
                energyKwh * prices.gridGramsCo2PerKwh() / 1000, prices.pricePerHour() * executorSeconds / SECONDS_PER_HOUR);
    }

    public Spend plus(Spend other) {
        return new Spend(executorSeconds + other.executorSeconds, tokens + other.tokens, flops + other.flops,
                energyKwh + other.energyKwh, co2Kg + other.co2Kg, cost + other.cost);
    }

    public double get(SpendMeasure measure) {
        return switch (measure) {
            case EXECUTOR_HOURS -> executorSeconds / SECONDS_PER_HOUR;
            case TOKENS -> tokens;
            case FLOPS -> flops;
            case ENERGY_KWH -> energyKwh;
            case CO2_KG -> co2Kg;
            case COST -> cost;
        };
    }
}
