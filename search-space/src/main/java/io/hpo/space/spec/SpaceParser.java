package io.hpo.space.spec;

import io.hpo.space.Hyperparameter;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads the {@code space} section: each hyperparameter a fixed value or one of the range/choice forms, the latter
 * optionally searched only under some choices of another hyperparameter ({@code when}, with {@code otherwise}).
 */
final class SpaceParser {

    static final String UNIFORM = "uniform";
    static final String LOG_UNIFORM = "log_uniform";
    static final String INT = "int";
    static final String CHOICE = "choice";
    static final String WHEN = "when";
    static final String OTHERWISE = "otherwise";
    private static final List<String> FORMS = List.of(UNIFORM, LOG_UNIFORM, INT, CHOICE);
    private static final List<String> KEYS = List.of(UNIFORM, LOG_UNIFORM, INT, CHOICE, WHEN, OTHERWISE);

    private final NodeReader reader;

    SpaceParser(NodeReader reader) {
        this.reader = reader;
    }

    /**
     * Every hyperparameter's spec; those not in {@code spaceNode} (or all, when it is null) fixed at the default.
     *
     * @param dataFraction {@code data.fraction}'s value, if written: {@code data_fraction} spelt where users look
     *                     for the data's settings, read as if it stood under {@code space:}
     */
    Map<String, ParamSpec> parse(Node spaceNode, Optional<Node> dataFraction) {
        Map<String, ParamSpec> space = new LinkedHashMap<>();
        Hyperparameter.ALL.forEach(p -> space.put(p.name(), new ParamSpec.Fixed(p.defaultMapValue())));
        Map<String, Node> written = new LinkedHashMap<>();
        if (spaceNode != null && !reader.isNull(spaceNode)) {
            NodeReader.Mapping mapping = reader.mapping(spaceNode, "space", Hyperparameter.NAMES);
            mapping.keys().forEach(name -> written.put(name, mapping.value(name).orElseThrow()));
        }
        String fractionName = Hyperparameter.DATA_FRACTION.name();
        if (dataFraction.isPresent()) {
            if (written.containsKey(fractionName)) {
                throw reader.error(dataFraction.get(), "data.fraction and space." + fractionName + " are the same"
                        + " setting; write it once");
            }
            written.put(fractionName, dataFraction.get());
        }
        Map<String, NodeReader.Mapping> conditional = new LinkedHashMap<>();
        for (Map.Entry<String, Node> entry : written.entrySet()) {
            String name = entry.getKey();
            Node node = entry.getValue();
            space.put(name, param(name, node));
            if (node instanceof MappingNode) {
                NodeReader.Mapping form = reader.mapping(node, name);
                if (form.value(WHEN).isPresent()) {
                    conditional.put(name, form);
                }
            }
        }
        // parents are read first: a condition may name a hyperparameter written below it
        conditional.forEach((name, form) -> space.put(name, condition(name, form, space, conditional.keySet())));
        return space;
    }

    private ParamSpec param(String name, Node node) {
        if (node instanceof ScalarNode) {
            return new ParamSpec.Fixed(value(name, node));
        }
        if (node instanceof SequenceNode) {
            throw reader.error(node, name + ": a bare list is ambiguous; write {choice: [...]} for a set of values"
                    + " or a range such as {uniform: [min, max]}");
        }
        NodeReader.Mapping form = reader.mapping(node, name, KEYS);
        List<String> kinds = form.keys().stream().filter(FORMS::contains).toList();
        if (kinds.size() != 1) {
            throw reader.error(node, name + " needs exactly one of " + String.join(", ", FORMS));
        }
        if (form.value(OTHERWISE).isPresent() && form.value(WHEN).isEmpty()) {
            throw reader.error(form.keyNode(OTHERWISE), name + ": otherwise applies only with when");
        }
        String kind = kinds.get(0);
        Node argument = form.value(kind).orElseThrow();
        return switch (kind) {
            case CHOICE -> choice(name, argument);
            case INT -> intRange(name, argument);
            default -> realRange(name, kind, argument);
        };
    }

    /**
     * {@code name}'s spec, searched only while its parent takes one of the listed choices: {@code when: {parent:
     * value}} or {@code when: {parent: [values]}}. The parent must be a choice of two or more values that is not
     * conditional itself, and the listed values some but not all of its choices.
     */
    private ParamSpec condition(String name, NodeReader.Mapping form, Map<String, ParamSpec> space,
                                Set<String> conditional) {
        Node whenNode = form.value(WHEN).orElseThrow();
        NodeReader.Mapping when = reader.mapping(whenNode, name + " when", Hyperparameter.NAMES);
        if (when.keys().size() != 1) {
            throw reader.error(whenNode, name + ": when names exactly one hyperparameter and its values, e.g."
                    + " when: {schedule: [linear, cosine]}");
        }
        String parent = when.keys().get(0);
        Node parentKey = when.keyNode(parent);
        if (parent.equals(name)) {
            throw reader.error(parentKey, name + ": a hyperparameter cannot depend on itself");
        }
        if (conditional.contains(parent)) {
            throw reader.error(parentKey, name + ": " + parent + " is conditional itself; conditions nest one level"
                    + " only");
        }
        ParamSpec parentSpec = space.get(parent);
        if (!(parentSpec instanceof ParamSpec.Choice choice)) {
            throw reader.error(parentKey, name + ": when needs a parent written as {choice: [...]} of two or more"
                    + " values; " + parent + " is " + (parentSpec instanceof ParamSpec.Fixed f
                    ? "fixed at " + f.value() + ", so the condition would never change" : "a range"));
        }
        Node valuesNode = when.value(parent).orElseThrow();
        List<Node> items = valuesNode instanceof SequenceNode ? reader.sequence(valuesNode, name + " when " + parent)
                : List.of(valuesNode);
        List<Object> values = new ArrayList<>();
        for (Node item : items) {
            Object v = value(parent, item);
            if (!choice.values().contains(v)) {
                throw reader.error(item, name + ": " + parent + " has no choice " + v + "; its choices are "
                        + choice.values());
            }
            if (values.contains(v)) {
                throw reader.error(item, name + ": when lists " + v + " twice");
            }
            values.add(v);
        }
        if (values.isEmpty()) {
            throw reader.error(valuesNode, name + ": when needs at least one of " + parent + "'s choices");
        }
        if (values.size() == choice.values().size()) {
            throw reader.error(valuesNode, name + ": the condition holds for every choice of " + parent
                    + "; drop when");
        }
        Object otherwise = form.value(OTHERWISE).map(n -> value(name, n))
                .orElse(Hyperparameter.forName(name).defaultMapValue());
        return new ParamSpec.Conditional(space.get(name), parent, values, otherwise);
    }

    private ParamSpec choice(String name, Node argument) {
        List<Node> items = reader.sequence(argument, name + " choice");
        if (items.isEmpty()) {
            throw reader.error(argument, name + ": choice needs at least one value");
        }
        List<Object> values = new ArrayList<>();
        for (Node item : items) {
            Object v = value(name, item);
            if (values.contains(v)) {
                throw reader.error(item, name + ": choice lists " + v + " twice");
            }
            values.add(v);
        }
        return values.size() == 1 ? new ParamSpec.Fixed(values.get(0)) : new ParamSpec.Choice(values);
    }

    private ParamSpec intRange(String name, Node argument) {
        if (Hyperparameter.forName(name).kind() != Hyperparameter.Kind.INTEGER) {
            throw reader.error(argument, name + " is not an integer hyperparameter; " + formsFor(name));
        }
        List<Node> ends = rangeEnds(name, INT, argument);
        String what = name + " int range";
        int min = integer(name, what, ends.get(0));
        int max = integer(name, what, ends.get(1));
        if (min > max) {
            throw reader.error(argument, name + ": range min " + min + " > max " + max);
        }
        checkLegal(name, min, ends.get(0));
        checkLegal(name, max, ends.get(1));
        return min == max ? new ParamSpec.Fixed(min) : new ParamSpec.IntRange(min, max);
    }

    private ParamSpec realRange(String name, String kind, Node argument) {
        if (Hyperparameter.forName(name).kind() != Hyperparameter.Kind.REAL) {
            throw reader.error(argument, name + " is not a real-valued hyperparameter; " + formsFor(name));
        }
        List<Node> ends = rangeEnds(name, kind, argument);
        double min = reader.real(ends.get(0), name + " " + kind + " range");
        double max = reader.real(ends.get(1), name + " " + kind + " range");
        if (min > max) {
            throw reader.error(argument, name + ": range min " + min + " > max " + max);
        }
        if (kind.equals(LOG_UNIFORM) && min <= 0) {
            throw reader.error(ends.get(0), name + ": log_uniform needs min > 0, got " + min
                    + "; use uniform to include 0");
        }
        checkLegal(name, min, ends.get(0));
        checkLegal(name, max, ends.get(1));
        if (min == max) {
            return new ParamSpec.Fixed(min);
        }
        return kind.equals(LOG_UNIFORM) ? new ParamSpec.LogUniform(min, max) : new ParamSpec.Uniform(min, max);
    }

    private List<Node> rangeEnds(String name, String kind, Node argument) {
        List<Node> ends = reader.sequence(argument, name + " " + kind + " range");
        if (ends.size() != 2) {
            throw reader.error(argument, name + ": " + kind + " range needs [min, max], got " + ends.size()
                    + " value(s)");
        }
        return ends;
    }

    /** One value of the hyperparameter's kind, checked against its legal range. */
    Object value(String name, Node node) {
        Object value = switch (Hyperparameter.forName(name).kind()) {
            case REAL -> reader.real(node, name);
            case INTEGER -> integer(name, name, node);
            case NAME -> enumName(name, node);
        };
        checkLegal(name, value, node);
        return value;
    }

    /** An int; one too large for int is reported against the hyperparameter's limit, not int's. */
    private int integer(String name, String what, Node node) {
        long value = reader.wholeNumber(node, what, Long.MIN_VALUE, Long.MAX_VALUE);
        if (value != (int) value) {
            checkLegal(name, value, node);
            throw reader.error(node, name + " is out of range, got " + value);
        }
        return (int) value;
    }

    private String enumName(String name, Node node) {
        String text = reader.text(node, name).trim().toLowerCase(Locale.ROOT);
        List<String> legal = Hyperparameter.forName(name).names();
        if (!legal.contains(text)) {
            throw reader.error(node, "unknown " + name + " '" + NodeReader.excerpt(text) + "'"
                    + Suggestions.hint(text, legal));
        }
        return text;
    }

    private void checkLegal(String name, Object value, Node node) {
        Hyperparameter.forName(name).problem(value).ifPresent(problem -> {
            throw reader.error(node, problem);
        });
    }

    private static String formsFor(String name) {
        return switch (Hyperparameter.forName(name).kind()) {
            case REAL -> "use a value, {uniform: [a, b]}, {log_uniform: [a, b]} or {choice: [...]}";
            case INTEGER -> "use a value, {int: [a, b]} or {choice: [...]}";
            case NAME -> "use a value or {choice: [...]} of " + Hyperparameter.forName(name).names();
        };
    }
}
