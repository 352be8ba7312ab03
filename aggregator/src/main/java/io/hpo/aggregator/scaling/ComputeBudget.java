package io.hpo.aggregator.scaling;

import io.hpo.aggregator.store.StoredTrial;
import io.hpo.space.cost.SpendMeasure;

import java.util.List;
import java.util.Locale;

/**
 * The bigger run's budget in any spend measure but tokens, as the FLOPs (6·N·tokens) it buys. FLOPs are themselves;
 * energy, money, CO2 and executor-hours buy FLOPs at the rate this search's trials of its largest model size spent
 * them (their FLOPs over their spend, summed): the trials most like the bigger run. A larger model keeps executors
 * at least as busy (its matrix products grow, per-step fixed costs do not), so the rate, and the run it recommends,
 * err on the small side.
 *
 * @param amount        the budget as given, in {@code measure}'s unit
 * @param flops         what it buys
 * @param flopsPerUnit  the rate: FLOPs per unit of {@code measure} (1 for FLOPs)
 * @param rateTrials    the trials the rate comes from (0 for FLOPs)
 * @param rateParameters their model size N (0 for FLOPs)
 */
public record ComputeBudget(double amount, SpendMeasure measure, double flops, double flopsPerUnit, int rateTrials,
                            long rateParameters) {

    public static ComputeBudget flops(double flops) {
        return new ComputeBudget(flops, SpendMeasure.FLOPS, flops, 1, 0, 0);
    }

    /** A budget as asked: its amount and its measure. */
    public record Asked(double amount, SpendMeasure measure) {

        /**
         * Reads a budget as the API and CLI take it: a positive finite amount such as 1e15, in {@code unit} (a spend
         * measure's key other than tokens; none means FLOPs).
         */
        public static Asked parse(String amount, String unit) {
            SpendMeasure measure = measure(unit);
            double v;
            try {
                v = Double.parseDouble(amount.trim());
            } catch (NumberFormatException e) {
                v = Double.NaN;
            }
            if (!(v > 0) || Double.isInfinite(v)) {
                throw new IllegalArgumentException("budget must be a positive number of " + measure.unit()
                        + " such as " + (measure == SpendMeasure.FLOPS ? "1e15" : "2.5") + ", got '" + amount + "'");
            }
            return new Asked(v, measure);
        }

        private static SpendMeasure measure(String key) {
            if (key == null || key.isBlank()) {
                return SpendMeasure.FLOPS;
            }
            SpendMeasure m = SpendMeasure.byKey(key.trim()).orElseThrow(() -> new IllegalArgumentException("unknown"
                    + " budget unit '" + key + "': one of " + String.join(", ", usable())));
            if (m == SpendMeasure.TOKENS) {
                throw new IllegalArgumentException("tokens are the run's D, not a budget to split between N and D:"
                        + " give the budget in one of " + String.join(", ", usable()));
            }
            return m;
        }
    }

    /**
     * The asked budget as FLOPs, at the rate of {@code trials}' largest model size.
     *
     * @throws IllegalStateException when no trial of that size accounted both FLOPs and the measure
     */
    public static ComputeBudget of(Asked asked, List<StoredTrial> trials) {
        double amount = asked.amount();
        SpendMeasure measure = asked.measure();
        if (measure == SpendMeasure.FLOPS) {
            return flops(amount);
        }
        List<StoredTrial> accounted = trials.stream().filter(t -> t.parameters() != null && t.spend() != null
                && t.spend().flops() > 0 && t.spend().get(measure) > 0).toList();
        long largest = accounted.stream().mapToLong(StoredTrial::parameters).max().orElseThrow(() ->
                new IllegalStateException("no trial of the search accounted both FLOPs and " + measure.key()
                        + " (a spec without its price or power sets it to 0): give the budget in FLOPs"));
        List<StoredTrial> rateTrials = accounted.stream().filter(t -> t.parameters() == largest).toList();
        double flops = rateTrials.stream().mapToDouble(t -> t.spend().flops()).sum();
        double spent = rateTrials.stream().mapToDouble(t -> t.spend().get(measure)).sum();
        return new ComputeBudget(amount, measure, amount * flops / spent, flops / spent, rateTrials.size(), largest);
    }

    /** "2.5 kWh buys 3.1e+15 FLOPs at 1.24e+15 FLOPs per kWh (the 2 trials of N = 106143)", or "1e+15 FLOPs". */
    public String describe() {
        if (measure == SpendMeasure.FLOPS) {
            return String.format(Locale.ROOT, "%.3g FLOPs", flops);
        }
        return String.format(Locale.ROOT, "%s buys %.3g FLOPs at %.3g FLOPs per %s (the rate of the %d trial%s of"
                + " the largest model, N = %d)", measure.format(amount), flops, flopsPerUnit, measure.unit(),
                rateTrials, rateTrials == 1 ? "" : "s", rateParameters);
    }

    private static List<String> usable() {
        return SpendMeasure.keys().stream().filter(k -> !k.equals(SpendMeasure.TOKENS.key())).toList();
    }
}
