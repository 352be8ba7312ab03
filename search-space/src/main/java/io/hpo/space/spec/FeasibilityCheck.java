package io.hpo.space.spec;

import io.hpo.space.Hyperparameter;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Finds out whether any configuration of a space meets its constraints (plus width % heads == 0), so that a search
 * that could never start fails at load time. Only the hyperparameters the constraints read, and the parents of
 * conditional ones among them, are varied; a conditional one takes its otherwise value where its parent excludes
 * it. Finite choices and small integer ranges are enumerated exactly; continuous ranges are probed at evenly spread
 * points (for a grid search, exactly its grid points), and products too large to enumerate are sampled.
 */
final class FeasibilityCheck {

    private static final int CONTINUOUS_PROBES = 33;
    private static final int INTEGER_PROBES = 1000;
    private static final long ENUMERATION_LIMIT = 1_000_000;
    private static final int SAMPLES = 200_000;

    private FeasibilityCheck() {
    }

    /** Why no configuration can meet the constraints, or empty when one can. */
    static Optional<String> problem(Map<String, ParamSpec> space, List<Constraint> written, StrategySpec strategy,
                                    long seed) {
        List<Constraint> constraints = new ArrayList<>();
        constraints.add(Constraint.WIDTH_DIVISIBLE_BY_HEADS);
        constraints.addAll(written);
        Set<String> used = new LinkedHashSet<>();
        constraints.forEach(c -> used.addAll(c.names()));
        // a conditional hyperparameter's value depends on its parent's
        List.copyOf(used).forEach(n -> {
            if (space.get(n) instanceof ParamSpec.Conditional c) {
                used.add(c.parent());
            }
        });
        List<String> names = Hyperparameter.NAMES.stream().filter(used::contains).toList();
        List<List<Object>> axes = names.stream().map(n -> probe(space.get(n).sampled(), strategy)).toList();
        Predicate<Map<String, Object>> meetsAll = sampled -> {
            Map<String, Object> values = ParamSpec.Conditional.settle(space, new HashMap<>(sampled));
            return constraints.stream().allMatch(c -> c.test(values));
        };

        long combinations = ValueCombinations.count(axes);
        boolean exhaustive = combinations <= ENUMERATION_LIMIT;
        boolean found = exhaustive
                ? !ValueCombinations.visit(names, axes, values -> !meetsAll.test(values))
                : sampleFinds(names, axes, meetsAll, seed);
        if (found) {
            return Optional.empty();
        }
        String where = strategy.type() == StrategyType.GRID ? "no grid point" : "no combination";
        String checked = exhaustive ? combinations + " checked" : SAMPLES + " random ones checked";
        return Optional.of(where + " of " + String.join(", ", names) + " satisfies "
                + constraints.stream().map(Constraint::text).collect(Collectors.joining(" and "))
                + " (" + checked + "): the space is infeasible");
    }

    private static List<Object> probe(ParamSpec spec, StrategySpec strategy) {
        if (strategy.type() == StrategyType.GRID) {
            return spec.probe(strategy.gridPoints());
        }
        return spec.probe(spec instanceof ParamSpec.IntRange ? INTEGER_PROBES : CONTINUOUS_PROBES);
    }

    private static boolean sampleFinds(List<String> names, List<List<Object>> axes,
                                       Predicate<Map<String, Object>> meetsAll, long seed) {
        Random random = new Random(seed);
        Map<String, Object> values = new HashMap<>();
        for (int s = 0; s < SAMPLES; s++) {
            for (int i = 0; i < names.size(); i++) {
                List<Object> axis = axes.get(i);
                values.put(names.get(i), axis.get(random.nextInt(axis.size())));
            }
            if (meetsAll.test(values)) {
                return true;
            }
        }
        return false;
    }
}
