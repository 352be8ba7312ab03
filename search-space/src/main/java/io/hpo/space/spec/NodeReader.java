package io.hpo.space.spec;

import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

import java.math.BigDecimal;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Typed reads of SnakeYAML nodes; every failure is a {@link SpecException} at the node's position. */
final class NodeReader {

    private static final int MAX_QUOTED = 80;

    private final String origin;

    NodeReader(String origin) {
        this.origin = origin;
    }

    SpecException error(Node node, String reason) {
        return new SpecException(origin, node.getStartMark().getLine() + 1, node.getStartMark().getColumn() + 1,
                reason);
    }

    /** The entries of a mapping node; duplicate and non-scalar keys are errors. */
    Mapping mapping(Node node, String what) {
        if (!(node instanceof MappingNode mapping)) {
            throw error(node, what + " must be a mapping of keys to values, got " + describe(node));
        }
        Map<String, NodeTuple> entries = new LinkedHashMap<>();
        for (NodeTuple tuple : mapping.getValue()) {
            if (!(tuple.getKeyNode() instanceof ScalarNode key)) {
                throw error(tuple.getKeyNode(), "keys in " + what + " must be plain words");
            }
            if (entries.put(key.getValue(), tuple) != null) {
                throw error(key, "duplicate key '" + excerpt(key.getValue()) + "' in " + what);
            }
        }
        return new Mapping(node, what, entries);
    }

    /** A mapping whose keys must all be in {@code known}; an unknown one gets a "did you mean" hint. */
    Mapping mapping(Node node, String what, Collection<String> known) {
        Mapping m = mapping(node, what);
        for (String key : m.keys()) {
            if (!known.contains(key)) {
                throw error(m.keyNode(key), "unknown key '" + excerpt(key) + "' in " + what + Suggestions.hint(key, known));
            }
        }
        return m;
    }

    List<Node> sequence(Node node, String what) {
        if (!(node instanceof SequenceNode sequence)) {
            throw error(node, what + " must be a list, got " + describe(node));
        }
        return sequence.getValue();
    }

    boolean isNull(Node node) {
        return node instanceof ScalarNode s && s.getTag().equals(Tag.NULL);
    }

    boolean bool(Node node, String what) {
        if (!(node instanceof ScalarNode scalar) || !scalar.getTag().equals(Tag.BOOL)) {
            throw error(node, what + " must be true or false, got " + describe(node));
        }
        return Boolean.parseBoolean(scalar.getValue().trim().toLowerCase(Locale.ROOT));
    }

    /** The text at {@code node}, trimmed and lower-cased, which must be one of {@code known}. */
    String oneOf(Node node, String what, List<String> known) {
        String value = text(node, what).trim().toLowerCase(Locale.ROOT);
        if (!known.contains(value)) {
            throw error(node, what + " must be one of " + String.join(", ", known) + ", got '" + excerpt(value) + "'"
                    + Suggestions.hint(value, known));
        }
        return value;
    }

    String text(Node node, String what) {
        if (!(node instanceof ScalarNode scalar) || isNull(node)) {
            throw error(node, what + " must be a text value, got " + describe(node));
        }
        return scalar.getValue();
    }

    /**
     * A number written plainly or quoted. YAML 1.1 reads {@code 1e-3} (no dot) as text, so numeric text is
     * accepted too.
     */
    BigDecimal decimal(Node node, String what) {
        if (!(node instanceof ScalarNode scalar) || isNull(node) || scalar.getTag().equals(Tag.BOOL)) {
            throw error(node, what + " must be a number, got " + describe(node));
        }
        String text = scalar.getValue().trim();
        if (scalar.getTag().equals(Tag.INT) || scalar.getTag().equals(Tag.FLOAT)) {
            text = text.replace("_", "");
        }
        try {
            return new BigDecimal(text);
        } catch (NumberFormatException e) {
            throw error(node, what + " must be a finite number, got " + describe(node));
        }
    }

    double real(Node node, String what) {
        double value = decimal(node, what).doubleValue();
        if (!Double.isFinite(value)) {
            throw error(node, what + " is too large, got " + describe(node));
        }
        // Double.parseDouble of the written text, so that Double.toString output reads back bit for bit
        return Double.parseDouble(((ScalarNode) node).getValue().trim().replace("_", ""));
    }

    long wholeNumber(Node node, String what, long min, long max) {
        BigDecimal value = decimal(node, what);
        if (value.signum() != 0 && value.stripTrailingZeros().scale() > 0) {
            throw error(node, what + " must be a whole number, got " + describe(node));
        }
        if (value.compareTo(BigDecimal.valueOf(min)) < 0 || value.compareTo(BigDecimal.valueOf(max)) > 0) {
            throw error(node, what + " must be in [" + min + ", " + max + "], got " + describe(node));
        }
        return value.longValueExact();
    }

    int integer(Node node, String what, int min, int max) {
        return (int) wholeNumber(node, what, min, max);
    }

    static String describe(Node node) {
        if (node instanceof MappingNode) {
            return "a mapping";
        }
        if (node instanceof SequenceNode) {
            return "a list";
        }
        ScalarNode scalar = (ScalarNode) node;
        return scalar.getTag().equals(Tag.NULL) ? "nothing" : "'" + excerpt(scalar.getValue()) + "'";
    }

    /** A limit as an error message writes it: 100000 rather than 100000.0, 1E+30 rather than 1.0E30. */
    static String plain(double limit) {
        return limit == Math.rint(limit) && Math.abs(limit) < 1e15 ? String.valueOf((long) limit)
                : BigDecimal.valueOf(limit).stripTrailingZeros().toString();
    }

    /** A written value as an error message quotes it: a hostile spec's long value must not flood the terminal. */
    static String excerpt(String value) {
        return value.length() <= MAX_QUOTED ? value
                : value.substring(0, MAX_QUOTED) + "... (" + value.length() + " characters)";
    }

    /** Entries of one mapping node, in written order. */
    final class Mapping {
        private final Node node;
        private final String what;
        private final Map<String, NodeTuple> entries;

        private Mapping(Node node, String what, Map<String, NodeTuple> entries) {
            this.node = node;
            this.what = what;
            this.entries = entries;
        }

        Node node() {
            return node;
        }

        List<String> keys() {
            return List.copyOf(entries.keySet());
        }

        Optional<Node> value(String key) {
            return Optional.ofNullable(entries.get(key)).map(NodeTuple::getValueNode);
        }

        Node keyNode(String key) {
            return entries.get(key).getKeyNode();
        }

        Node require(String key) {
            return value(key).orElseThrow(() -> error(node, "missing required key '" + key + "' in " + what));
        }
    }
}
