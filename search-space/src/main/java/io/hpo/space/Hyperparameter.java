package io.hpo.space;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The definition of one hyperparameter: its name in specs, events and the store, its kind, default, legal values
 * and a one-line doc. Everything else follows from these constants (the checks of {@link Hyperparameters}, the
 * spec parser's kinds and limits, the map form, the spec writer, the reference table in docs/spec.md), as every
 * key of Kafka's {@code ProducerConfig} follows from one {@code define}. Adding a hyperparameter is one constant
 * here and the code that uses it.
 *
 * <p>Upper limits of numeric ones are typo guards far above anything a cluster trains: an extra zero fails when
 * the spec loads, not as an out-of-memory error on an executor.
 *
 * @param <T> Double for {@link Kind#REAL}, Integer for {@link Kind#INTEGER}, the enum for {@link Kind#NAME}
 */
public final class Hyperparameter<T> {

    /** The value type; spec and map values are normalised to Double, Integer or the lower-case enum name. */
    public enum Kind {
        REAL, INTEGER, NAME
    }

    /** What a hyperparameter shapes, which decides where a checkpoint fixes it. */
    public enum Role {
        TRAINING,
        /** what a checkpoint fixes for every trial that fine-tunes it */
        ARCHITECTURE,
        /** only a trial that starts from a checkpoint may set it to other than its default */
        FINE_TUNING
    }

    /**
     * Legal numeric values, {@code [min, max]} with either end open, and an upper limit: a typo guard the spec loader
     * enforces on top, which a configuration built in code may pass (a test of divergence trains at 1e6).
     */
    public record Range(double min, boolean minOpen, double max, boolean maxOpen, double limit) {

        static Range atLeast(double min, double limit) {
            return new Range(min, false, Double.POSITIVE_INFINITY, false, limit);
        }

        static Range above(double min, double limit) {
            return new Range(min, true, Double.POSITIVE_INFINITY, false, limit);
        }

        /** {@code [min, max)}: a probability or a decay rate, whose upper end is its nature, not a guard. */
        static Range belowOne(double min, boolean minOpen) {
            return new Range(min, minOpen, 1, true, 1);
        }

        /** {@code (0, 1]}: a share of something, all of it included. */
        static Range share() {
            return new Range(0, true, 1, false, 1);
        }

        /** Why {@code v} is outside the bounds (the limit too, when {@code withLimit}), or null. */
        String violation(double v, boolean withLimit) {
            boolean aboveMin = Double.isFinite(v) && (minOpen ? v > min : v >= min);
            boolean belowMax = maxOpen ? v < max : v <= max;
            if (!aboveMin || !belowMax) {
                // a natural upper end names the whole interval; otherwise the lower bound is what was crossed
                return Double.isFinite(max) ? "must be in " + this : "must be " + (minOpen ? "> " : ">= ") + format(min);
            }
            return withLimit && v > limit ? "must be <= " + format(limit) : null;
        }

        /** The values a spec may write, e.g. {@code (0, 10]} or {@code [0, 1)}. */
        @Override
        public String toString() {
            double upper = Math.min(max, limit);
            return (minOpen ? "(" : "[") + format(min) + ", " + format(upper) + (maxOpen && upper == max ? ")" : "]");
        }
    }

    private static final List<Hyperparameter<?>> DEFINED = new ArrayList<>();

    public static final Hyperparameter<Double> LEARNING_RATE = define(real("learning_rate", 1e-3,
            Range.above(0, 10), "Peak learning rate, reached at the end of warm-up"));
    public static final Hyperparameter<Integer> WARMUP_STEPS = define(integer("warmup_steps", 10, 0, 10_000_000,
            "Steps of linear warm-up from 0 to the peak"));
    public static final Hyperparameter<Schedule> SCHEDULE = define(named("schedule", Schedule.class, Schedule.COSINE,
            "Shape after warm-up: stay at the peak, or decay linearly or as a half-cosine to 0 at the last"
                    + " step"));
    public static final Hyperparameter<Integer> BATCH_SIZE = define(integer("batch_size", 16, 1, 4096,
            "Sequences per step per worker"));
    public static final Hyperparameter<Double> DROPOUT = define(real("dropout", 0.0, Range.belowOne(0, false),
            "Drop probability on each block's input and the embeddings"));
    public static final Hyperparameter<Double> WEIGHT_DECAY = define(real("weight_decay", 0.0, Range.atLeast(0, 10),
            "Decoupled (AdamW-style) weight decay coefficient, on weights only"));
    public static final Hyperparameter<Integer> LAYERS = define(integer("layers", 2, 1, 64,
            "Transformer blocks").in(Role.ARCHITECTURE));
    public static final Hyperparameter<Integer> WIDTH = define(integer("width", 64, 1, 8192,
            "Model width (d_model); must be divisible by heads").in(Role.ARCHITECTURE));
    public static final Hyperparameter<Integer> HEADS = define(integer("heads", 4, 1, 256,
            "Attention heads").in(Role.ARCHITECTURE));
    public static final Hyperparameter<Integer> MLP_MULTIPLIER = define(integer("mlp_multiplier", 4, 1, 32,
            "MLP hidden width = width * mlp_multiplier").in(Role.ARCHITECTURE));
    public static final Hyperparameter<Integer> SEQ_LENGTH = define(integer("seq_length", 64, 2, 4096,
            "Tokens per training sequence (context length)").in(Role.ARCHITECTURE));
    public static final Hyperparameter<Optimizer> OPTIMIZER = define(named("optimizer", Optimizer.class,
            Optimizer.ADAM, "Update rule; weight decay is decoupled for all of them"));
    public static final Hyperparameter<Double> ADAM_BETA2 = define(real("adam_beta2", 0.999,
            Range.belowOne(0, true), "Adam's decay of its squared-gradient average (beta2); other optimizers ignore"
                    + " it. Large models often train more stably at 0.95").addedLater());
    public static final Hyperparameter<Double> GRAD_CLIP = define(real("grad_clip", 1.0, Range.atLeast(0, 1000),
            "Per-layer L2 gradient-norm clip threshold; 0 disables clipping"));
    public static final Hyperparameter<Double> DATA_FRACTION = define(real("data_fraction", 1.0, Range.share(),
            "Share of the training split the trial trains on: a fixed prefix of it, so a smaller share is a subset of"
                    + " a larger one; validation is the same for every share. Also written data.fraction")
            .addedLater());
    public static final Hyperparameter<Integer> FROZEN_BLOCKS = define(integer("frozen_blocks", 0, 0, 64,
            "Only with init: how many of the lowest blocks (and the embeddings below them) keep the checkpoint's"
                    + " weights; at most the checkpoint's layers").in(Role.FINE_TUNING).addedLater());
    public static final Hyperparameter<FineTuneMode> FINE_TUNE_MODE = define(named("fine_tune_mode",
            FineTuneMode.class, FineTuneMode.FULL, "Only with init: full trains every block above the frozen ones;"
                    + " feature_extraction trains only the output head").in(Role.FINE_TUNING).addedLater());

    /** Every definition, in the order the spec documents them. */
    public static final List<Hyperparameter<?>> ALL = Collections.unmodifiableList(DEFINED);
    /** Every hyperparameter name, in the order the spec documents them. */
    public static final List<String> NAMES = ALL.stream().map(Hyperparameter::name).toList();
    /** The architecture: what a checkpoint fixes for every trial that fine-tunes it. */
    public static final List<String> ARCHITECTURE = namesIn(Role.ARCHITECTURE);
    /** Only a trial that starts from a checkpoint may set these to other than their defaults. */
    public static final List<String> FINE_TUNING = namesIn(Role.FINE_TUNING);

    private static final Map<String, Hyperparameter<?>> BY_NAME = ALL.stream()
            .collect(Collectors.toUnmodifiableMap(Hyperparameter::name, Function.identity()));

    private final String name;
    private final Kind kind;
    private final Class<T> type;
    private final T defaultValue;
    private final Range range;
    private final String doc;
    private final Role role;
    private final boolean addedLater;

    private Hyperparameter(String name, Kind kind, Class<T> type, T defaultValue, Range range, String doc, Role role,
                           boolean addedLater) {
        this.name = name;
        this.kind = kind;
        this.type = type;
        this.defaultValue = defaultValue;
        this.range = range;
        this.doc = doc;
        this.role = role;
        this.addedLater = addedLater;
    }

    private static Hyperparameter<Double> real(String name, double defaultValue, Range range, String doc) {
        return new Hyperparameter<>(name, Kind.REAL, Double.class, defaultValue, range, doc, Role.TRAINING, false);
    }

    private static Hyperparameter<Integer> integer(String name, int defaultValue, int min, int limit, String doc) {
        return new Hyperparameter<>(name, Kind.INTEGER, Integer.class, defaultValue, Range.atLeast(min, limit), doc,
                Role.TRAINING, false);
    }

    private static <E extends Enum<E>> Hyperparameter<E> named(String name, Class<E> type, E defaultValue,
                                                               String doc) {
        return new Hyperparameter<>(name, Kind.NAME, type, defaultValue, null, doc, Role.TRAINING, false);
    }

    private Hyperparameter<T> in(Role newRole) {
        return new Hyperparameter<>(name, kind, type, defaultValue, range, doc, newRole, addedLater);
    }

    /** Configurations recorded before it existed lack it; they trained with its default. */
    private Hyperparameter<T> addedLater() {
        return new Hyperparameter<>(name, kind, type, defaultValue, range, doc, role, true);
    }

    private static <T> Hyperparameter<T> define(Hyperparameter<T> definition) {
        DEFINED.add(definition);
        return definition;
    }

    private static List<String> namesIn(Role role) {
        return ALL.stream().filter(p -> p.role == role).map(Hyperparameter::name).toList();
    }

    /** The definition of {@code name}; an unknown name is an {@link IllegalArgumentException}. */
    public static Hyperparameter<?> forName(String name) {
        Hyperparameter<?> p = BY_NAME.get(name);
        if (p == null) {
            throw new IllegalArgumentException("unknown hyperparameter '" + name + "'");
        }
        return p;
    }

    public String name() {
        return name;
    }

    public Kind kind() {
        return kind;
    }

    public T defaultValue() {
        return defaultValue;
    }

    /** Legal numeric values; null for {@link Kind#NAME}. */
    public Range range() {
        return range;
    }

    public String doc() {
        return doc;
    }

    public Role role() {
        return role;
    }

    /** Whether a recorded configuration may lack it (it was added after configurations were first recorded). */
    public boolean isAddedLater() {
        return addedLater;
    }

    /** The lower-case names a {@link Kind#NAME} hyperparameter accepts; empty for numeric ones. */
    public List<String> names() {
        return kind == Kind.NAME ? Arrays.stream(type.getEnumConstants()).map(c -> lowerCase((Enum<?>) c)).toList()
                : List.of();
    }

    /**
     * Why {@code value} (already of this kind, in map form) is not legal in a spec, or empty when it is. Relations
     * between hyperparameters (width divisible by heads, frozen blocks within the layers) are
     * {@link Hyperparameters}'.
     */
    public Optional<String> problem(Object value) {
        return problem(value, true);
    }

    /** As {@link #problem}, without the upper limit: what any configuration must meet. */
    Optional<String> boundsProblem(Object value) {
        return problem(value, false);
    }

    private Optional<String> problem(Object value, boolean withLimit) {
        String violation = range != null && value instanceof Number n ? range.violation(n.doubleValue(), withLimit)
                : null;
        return Optional.ofNullable(violation).map(v -> name + " " + v + ", got " + value);
    }

    /** The map form of a typed value: numbers as they are, enums by their lower-case name. */
    public Object toMapValue(T value) {
        return value instanceof Enum<?> e ? lowerCase(e) : value;
    }

    /** The map form of the default. */
    public Object defaultMapValue() {
        return toMapValue(defaultValue);
    }

    /**
     * Reads a map-form value: any {@link Number} or numeric string (JSON and YAML give both), or an enum's name in
     * any case. Only the kind is checked here, the range by {@link #problem}.
     */
    public T fromMapValue(Object value) {
        return type.cast(switch (kind) {
            case REAL -> number(value);
            case INTEGER -> {
                double d = number(value);
                if (d != Math.rint(d) || Math.abs(d) > Integer.MAX_VALUE) {
                    throw new IllegalArgumentException(name + " must be an integer, got " + value);
                }
                yield (int) d;
            }
            case NAME -> enumValue(String.valueOf(value));
        });
    }

    private double number(Object value) {
        try {
            return value instanceof Number n ? n.doubleValue() : Double.parseDouble(String.valueOf(value));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a number, got '" + value + "'");
        }
    }

    private Object enumValue(String text) {
        for (T constant : type.getEnumConstants()) {
            if (((Enum<?>) constant).name().equalsIgnoreCase(text)) {
                return constant;
            }
        }
        throw new IllegalArgumentException(name + " must be one of " + names() + ", got '" + text + "'");
    }

    /**
     * One line of docs: the doc, the legal values and the default, e.g. "Transformer blocks. Integer, [1, 64].
     * Default 2." This is the line the reference table and examples/full.yaml show.
     */
    public String summary() {
        String values = switch (kind) {
            case REAL -> "Real, " + range;
            case INTEGER -> "Integer, " + range;
            case NAME -> "One of " + String.join(" | ", names());
        };
        return doc + ". " + values + ". Default " + formatValue(defaultMapValue()) + ".";
    }

    /** A number as a spec would write it: integral values without a fraction, others as Java prints them. */
    public static String format(double value) {
        return value == Math.rint(value) && Math.abs(value) < 1e15 ? Long.toString((long) value)
                : Double.toString(value);
    }

    private String formatValue(Object value) {
        return kind == Kind.REAL ? Double.toString((Double) value) : String.valueOf(value);
    }

    private static String lowerCase(Enum<?> constant) {
        return constant.name().toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return name;
    }
}
