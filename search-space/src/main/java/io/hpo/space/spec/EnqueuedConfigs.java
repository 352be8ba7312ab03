package io.hpo.space.spec;

import io.hpo.space.Hyperparameter;
import org.yaml.snakeyaml.nodes.Node;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Configurations a search tries before asking its sampler, in order (Optuna's {@code enqueue_trial}, Ray Tune's
 * {@code points_to_evaluate}): the spec's {@code enqueue:} list, and those enqueued while it runs. Each is a mapping
 * of some or all hyperparameters to values; those it leaves out are drawn when its trial launches
 * ({@link io.hpo.space.sampler.EnqueuedFill}). A configuration is refused, as any spec mistake is at load time, when
 * it names an unknown hyperparameter, gives a value of the wrong kind or outside the space (another value than a
 * fixed hyperparameter's, one outside a range or not among the choices), gives a conditional hyperparameter a value
 * its parent's value rules out, or when no values of those it leaves out meet the constraints (width % heads == 0
 * included): each would fail or be changed silently at launch.
 */
public final class EnqueuedConfigs {

    private final NodeReader reader;
    private final SpaceParser values;
    private final Map<String, ParamSpec> space;
    private final List<Constraint> constraints;
    private final long seed;

    private EnqueuedConfigs(NodeReader reader, Map<String, ParamSpec> space, List<Constraint> constraints, long seed) {
        this.reader = reader;
        this.values = new SpaceParser(reader);
        this.space = space;
        this.constraints = constraints;
        this.seed = seed;
    }

    /**
     * One configuration written as a YAML (or JSON) mapping, checked against {@code spec} as the spec's own
     * {@code enqueue:} entries are; a {@link SpecException} at {@code origin:line:column} says what is wrong.
     *
     * @return the values given, in map form (Double, Integer, lower-case names)
     */
    public static Map<String, Object> parse(String text, String origin, SearchSpec spec) {
        Node root = SpecParser.compose(text, origin);
        if (root == null) {
            throw new SpecException(origin, 1, 1, "no configuration: write a mapping of hyperparameters to values,"
                    + " e.g. {learning_rate: 0.001, width: 64}");
        }
        return new EnqueuedConfigs(new NodeReader(origin), spec.space(), spec.constraints(), spec.seed())
                .entry(root, "the configuration");
    }

    /**
     * The spec's {@code enqueue:} list ({@code node} null when it has none); at most {@code maxTrials} entries, none
     * repeating another, since an entry beyond the budget would never run.
     */
    static List<Map<String, Object>> parseList(NodeReader reader, Node keyNode, Node node,
                                               Map<String, ParamSpec> space, List<Constraint> constraints,
                                               long seed, int maxTrials) {
        if (node == null || reader.isNull(node)) {
            return List.of();
        }
        EnqueuedConfigs parser = new EnqueuedConfigs(reader, space, constraints, seed);
        List<Node> items = reader.sequence(node, "enqueue");
        if (items.size() > maxTrials) {
            throw reader.error(keyNode, "enqueue lists " + items.size() + " configurations, more than"
                    + " budget.max_trials (" + maxTrials + "): the last ones would never run");
        }
        List<Map<String, Object>> entries = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            Map<String, Object> entry = parser.entry(items.get(i), "enqueue entry " + (i + 1));
            int earlier = entries.indexOf(entry);
            if (earlier >= 0) {
                throw reader.error(items.get(i), "enqueue entry " + (i + 1) + " repeats entry " + (earlier + 1));
            }
            entries.add(entry);
        }
        return Collections.unmodifiableList(entries);
    }

    /**
     * {@code config}'s values in map form, checked against {@code spec}: what a driver does again with a
     * configuration enqueued while its search runs, which another program published. IllegalArgumentException says
     * what is wrong.
     */
    public static Map<String, Object> check(Map<String, ?> config, SearchSpec spec) {
        if (config.isEmpty()) {
            throw new IllegalArgumentException("the configuration names no hyperparameter");
        }
        Map<String, Object> given = new LinkedHashMap<>();
        config.forEach((name, raw) -> {
            if (!Hyperparameter.NAMES.contains(name)) {
                throw new IllegalArgumentException("unknown hyperparameter '" + name + "'"
                        + Suggestions.hint(name, Hyperparameter.NAMES));
            }
            Object value = inMapForm(Hyperparameter.forName(name), raw);
            Hyperparameter.forName(name).problem(value).ifPresent(problem -> {
                throw new IllegalArgumentException(problem);
            });
            given.put(name, value);
        });
        for (String name : given.keySet()) {
            valueProblem(spec.space(), given, name).ifPresent(problem -> {
                throw new IllegalArgumentException(problem);
            });
        }
        constraintsProblem(spec.space(), spec.constraints(), spec.seed(), given).ifPresent(problem -> {
            throw new IllegalArgumentException(problem);
        });
        return given;
    }

    /**
     * The space a configuration's trial is drawn from: each given hyperparameter fixed at its value, and the parent
     * of a given conditional one narrowed to the choices under which that value applies.
     *
     * @throws IllegalArgumentException when given conditional hyperparameters need their parent at different choices
     */
    public static Map<String, ParamSpec> spaceAround(Map<String, ParamSpec> space, Map<String, Object> given) {
        Map<String, ParamSpec> around = new LinkedHashMap<>(space);
        given.forEach((name, value) -> around.put(name, new ParamSpec.Fixed(value)));
        given.forEach((name, value) -> {
            if (!(space.get(name) instanceof ParamSpec.Conditional c) || given.containsKey(c.parent())) {
                return;
            }
            boolean asSearched = outside(name, c.sampled(), value).isEmpty();
            boolean asOtherwise = value.equals(c.otherwise());
            if (asSearched == asOtherwise) {
                return;
            }
            List<Object> parentValues = new ArrayList<>(choices(around.get(c.parent())));
            parentValues.removeIf(p -> c.parentValues().contains(p) != asSearched);
            if (parentValues.isEmpty()) {
                throw new IllegalArgumentException("the values given to hyperparameters depending on " + c.parent()
                        + " need it at different choices");
            }
            around.put(c.parent(), parentValues.size() == 1 ? new ParamSpec.Fixed(parentValues.get(0))
                    : new ParamSpec.Choice(parentValues));
        });
        return around;
    }

    /** One entry: each value checked at its node, the whole against the constraints at the entry's node. */
    private Map<String, Object> entry(Node node, String what) {
        NodeReader.Mapping m = reader.mapping(node, what, Hyperparameter.NAMES);
        if (m.keys().isEmpty()) {
            throw reader.error(node, what + " names no hyperparameter; write e.g. {learning_rate: 0.001}");
        }
        Map<String, Object> given = new LinkedHashMap<>();
        for (String name : m.keys()) {
            given.put(name, values.value(name, m.value(name).orElseThrow()));
        }
        for (String name : m.keys()) {
            Optional<String> problem = valueProblem(space, given, name);
            if (problem.isPresent()) {
                throw reader.error(m.value(name).orElseThrow(), problem.get());
            }
        }
        Optional<String> problem = constraintsProblem(space, constraints, seed, given);
        if (problem.isPresent()) {
            throw reader.error(node, what + ": " + problem.get());
        }
        return Collections.unmodifiableMap(given);
    }

    /** Why {@code name}'s given value cannot be in a trial of {@code space} with the other given values. */
    private static Optional<String> valueProblem(Map<String, ParamSpec> space, Map<String, Object> given,
                                                 String name) {
        Object value = given.get(name);
        ParamSpec spec = space.get(name);
        if (!(spec instanceof ParamSpec.Conditional c)) {
            return outside(name, spec, value);
        }
        boolean asSearched = outside(name, c.sampled(), value).isEmpty();
        boolean asOtherwise = value.equals(c.otherwise());
        if (!asSearched && !asOtherwise) {
            return outside(name, c.sampled(), value).map(p -> p + " (or its otherwise value " + c.otherwise() + ")");
        }
        Object parent = given.get(c.parent());
        if (parent == null || asSearched && asOtherwise) {
            return Optional.empty();
        }
        boolean active = c.parentValues().contains(parent);
        if (asSearched && !active) {
            return Optional.of(name + " is searched only while " + c.parent() + " is one of " + c.parentValues()
                    + "; with " + c.parent() + " " + parent + " it is " + c.otherwise() + ", got " + value);
        }
        if (asOtherwise && active) {
            return Optional.of(name + " " + value + " is its otherwise value, for " + c.parent() + " outside "
                    + c.parentValues() + "; with " + c.parent() + " " + parent + " it must be within "
                    + SpecWriter.yaml(c.sampled()));
        }
        return Optional.empty();
    }

    private static Optional<String> outside(String name, ParamSpec spec, Object value) {
        if (spec instanceof ParamSpec.Fixed f) {
            return f.value().equals(value) ? Optional.empty()
                    : Optional.of(name + " is fixed at " + f.value() + " in this search, got " + value);
        }
        if (spec instanceof ParamSpec.Choice c) {
            return c.values().contains(value) ? Optional.empty()
                    : Optional.of(name + " must be one of this search's choices " + c.values() + ", got " + value);
        }
        // what is left is a range (a condition's spec is never a condition itself)
        double v = ((Number) value).doubleValue();
        boolean inside = spec instanceof ParamSpec.RealRange r ? v >= r.min() && v <= r.max()
                : v >= ((ParamSpec.IntRange) spec).min() && v <= ((ParamSpec.IntRange) spec).max();
        return inside ? Optional.empty()
                : Optional.of(name + " must be within this search's range " + SpecWriter.yaml(spec) + ", got " + value);
    }

    /** Why no values of the hyperparameters not given meet the constraints, or empty when some do. */
    private static Optional<String> constraintsProblem(Map<String, ParamSpec> space, List<Constraint> constraints,
                                                       long seed, Map<String, Object> given) {
        Map<String, ParamSpec> around;
        try {
            around = spaceAround(space, given);
        } catch (IllegalArgumentException e) {
            return Optional.of(e.getMessage());
        }
        // drawn as the random strategy draws, whatever the search's strategy: grid points play no part
        return FeasibilityCheck.problem(around, constraints, new StrategySpec(StrategyType.RANDOM, 2), seed)
                .map(problem -> "no trial with these values meets the constraints: " + problem);
    }

    private static List<Object> choices(ParamSpec parent) {
        return parent instanceof ParamSpec.Choice c ? c.values() : List.of(((ParamSpec.Fixed) parent).value());
    }

    private static <T> Object inMapForm(Hyperparameter<T> p, Object raw) {
        return p.toMapValue(p.fromMapValue(raw));
    }
}
