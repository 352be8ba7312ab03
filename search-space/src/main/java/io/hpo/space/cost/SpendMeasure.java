package io.hpo.space.cost;

import java.util.Arrays;
import java.util.Locale;
import java.util.List;
import java.util.Optional;

/**
 * What a search spends, measured per trial and summed: the quantities a budget can limit and the Pareto front can
 * rank against. {@link #key()} names a measure everywhere (spec budget keys are {@code max_<key>}, the API's
 * {@code ?cost=<key>}, the CLI's {@code --cost <key>}).
 */
public enum SpendMeasure {
    EXECUTOR_HOURS("executor_hours", "executor-h"),
    TOKENS("tokens", "tokens"),
    FLOPS("flops", "FLOPs"),
    ENERGY_KWH("energy_kwh", "kWh"),
    CO2_KG("co2_kg", "kg CO2"),
    COST("cost", "money");

    private final String key;
    private final String unit;

    SpendMeasure(String key, String unit) {
        this.key = key;
        this.unit = unit;
    }

    public String key() {
        return key;
    }

    public String unit() {
        return unit;
    }

    /** The spec's budget key limiting this measure. */
    public String budgetKey() {
        return "max_" + key;
    }

    /** An amount of this measure with its unit, for progress lines and messages: "61440 tokens", "0.01234 kWh". */
    public String format(double amount) {
        String number = this == TOKENS ? String.valueOf((long) amount) : String.format(Locale.ROOT, "%.4g", amount);
        return number + " " + unit;
    }

    public static Optional<SpendMeasure> byKey(String key) {
        return Arrays.stream(values()).filter(m -> m.key.equals(key)).findFirst();
    }

    public static List<String> keys() {
        return Arrays.stream(values()).map(SpendMeasure::key).toList();
    }
}
