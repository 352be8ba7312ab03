package io.hpo.space.spec;

import io.hpo.space.FineTuneMode;
import io.hpo.space.Hyperparameters;
import io.hpo.space.Optimizer;
import io.hpo.space.Schedule;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** What values each hyperparameter takes: its kind, its enum names, and whether one value is legal. */
public final class HyperparameterDomain {

    /** The value type of a hyperparameter; spec values are normalised to Double, Integer or lower-case String. */
    public enum Kind {
        REAL, INTEGER, NAME
    }

    private static final Map<String, List<String>> ENUM_NAMES = Map.of(
            Hyperparameters.SCHEDULE, lowerCaseNames(Schedule.values()),
            Hyperparameters.OPTIMIZER, lowerCaseNames(Optimizer.values()),
            Hyperparameters.FINE_TUNE_MODE, lowerCaseNames(FineTuneMode.values()));

    private HyperparameterDomain() {
    }

    public static Kind kind(String name) {
        requireKnown(name);
        // The record's map form already types every value: Double, Integer, or an enum's lower-case name.
        Object value = SpecDefaults.HYPERPARAMETERS.toMap().get(name);
        return value instanceof Double ? Kind.REAL : value instanceof Integer ? Kind.INTEGER : Kind.NAME;
    }

    /** The lower-case names an enum hyperparameter accepts; empty for numeric ones. */
    public static List<String> enumNames(String name) {
        requireKnown(name);
        return ENUM_NAMES.getOrDefault(name, List.of());
    }

    /**
     * Why {@code value} (already of the right kind) is not a legal value of {@code name}, or empty when it is.
     * Reuses the checks of {@link Hyperparameters} on an otherwise default configuration, then adds
     * {@link SpecLimits#HYPERPARAMETER_MAX}.
     */
    public static Optional<String> problem(String name, Object value) {
        requireKnown(name);
        Double max = SpecLimits.HYPERPARAMETER_MAX.get(name);
        if (max != null && value instanceof Number n && n.doubleValue() > max) {
            return Optional.of(name + " must be <= " + format(max) + ", got " + value);
        }
        Map<String, Object> probe = new HashMap<>(SpecDefaults.HYPERPARAMETERS.toMap());
        // heads = 1 divides any width, and a legal heads value is checked with width = itself: the pair never fails
        probe.put(Hyperparameters.HEADS, 1);
        // frozen_blocks is checked against the checkpoint's layers, not against the default's
        probe.put(Hyperparameters.LAYERS, SpecLimits.HYPERPARAMETER_MAX.get(Hyperparameters.LAYERS).intValue());
        probe.put(name, value);
        if (name.equals(Hyperparameters.HEADS) && value instanceof Number n && n.doubleValue() >= 1) {
            probe.put(Hyperparameters.WIDTH, value);
        }
        try {
            Hyperparameters.fromMap(probe);
        } catch (IllegalArgumentException e) {
            return Optional.of(e.getMessage());
        }
        return Optional.empty();
    }

    static String format(double value) {
        return value == Math.rint(value) && Math.abs(value) < 1e15 ? Long.toString((long) value)
                : Double.toString(value);
    }

    private static void requireKnown(String name) {
        if (!Hyperparameters.NAMES.contains(name)) {
            throw new IllegalArgumentException("unknown hyperparameter '" + name + "'");
        }
    }

    private static List<String> lowerCaseNames(Enum<?>[] constants) {
        return Arrays.stream(constants).map(c -> c.name().toLowerCase(Locale.ROOT)).toList();
    }
}
