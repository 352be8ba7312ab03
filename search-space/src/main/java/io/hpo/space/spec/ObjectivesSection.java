package io.hpo.space.spec;

import io.hpo.space.cost.SpendMeasure;
import org.yaml.snakeyaml.nodes.Node;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Reads the spec's top-level {@code objectives:} list: {@code val_loss} first, then one or more
 * {@link SpendMeasure} keys, each once. The loss comes first because every search minimises it and the list reads
 * as the axes of the Pareto front, loss against spend.
 */
final class ObjectivesSection {
    private static final String LOSS = SearchSpec.LOSS_OBJECTIVE;

    private final NodeReader reader;

    ObjectivesSection(NodeReader reader) {
        this.reader = reader;
    }

    /** The spend measures after val_loss; empty when the list is absent or empty (a single-objective search). */
    List<SpendMeasure> parse(Node node, StrategyType strategy) {
        if (node == null || reader.isNull(node)) {
            return List.of();
        }
        List<Node> items = reader.sequence(node, "objectives");
        if (items.isEmpty()) {
            return List.of();
        }
        List<String> known = Stream.concat(Stream.of(LOSS), SpendMeasure.keys().stream()).toList();
        List<String> seen = new ArrayList<>();
        for (Node item : items) {
            String key = reader.oneOf(item, "an objective", known);
            if (seen.contains(key)) {
                throw reader.error(item, "objectives lists '" + key + "' twice");
            }
            if (seen.isEmpty() != key.equals(LOSS)) {
                throw reader.error(item, "objectives must start with " + LOSS + " (every search minimises it), then"
                        + " list spend measures: " + String.join(", ", SpendMeasure.keys()) + "; got '" + key
                        + "' " + (seen.isEmpty() ? "first" : "at position " + (seen.size() + 1)));
            }
            seen.add(key);
        }
        if (seen.size() == 1) {
            throw reader.error(node, "objectives lists only " + LOSS + ": add one or more spend measures ("
                    + String.join(", ", SpendMeasure.keys()) + "), or leave objectives out for a single-objective "
                    + "search");
        }
        if (strategy == StrategyType.GP) {
            throw reader.error(node, "strategy gp minimises the loss alone; multi-objective search needs strategy "
                    + "tpe (random and grid accept objectives too and only rank the front)");
        }
        return seen.subList(1, seen.size()).stream().map(k -> SpendMeasure.byKey(k).orElseThrow()).toList();
    }
}
