package io.hpo.space.spec;

import io.hpo.space.Hyperparameter;
import io.hpo.space.cost.CostSpec;
import io.hpo.space.cost.SpendMeasure;

import java.io.Serializable;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One hyperparameter search, as loaded from YAML by {@link SpecLoader}; the format is documented there and in
 * examples/full.yaml.
 *
 * @param name        search name: letters, digits, '.', '_' and '-', at most 100 characters
 * @param seed        seed of the sampler (same seed, same configurations) and of data shuffling
 * @param data        training text
 * @param space       how every hyperparameter in {@link Hyperparameter#NAMES} varies, in that order; those the
 *                    YAML leaves out are {@link ParamSpec.Fixed} at their defaults
 * @param constraints conditions written in the spec; {@link Constraint#WIDTH_DIVISIBLE_BY_HEADS} applies on top
 * @param strategy    how configurations are picked
 * @param pruner      how running trials are stopped early
 * @param budget      limits of the search
 * @param training    how each trial trains
 * @param cost        prices that turn a trial's executor time into energy, emissions and money
 * @param checkpoints where completed trials save their models, and which do
 * @param init        the checkpoint every trial starts from, or null for trials trained from scratch
 * @param enqueue     configurations (some or all hyperparameters, in map form) the search tries first, in order,
 *                    before asking its sampler; see {@link EnqueuedConfigs}
 * @param onEnd       where the search's end is posted (the notify section), or null for nowhere
 * @param objectives  the spend measures minimised beside the validation loss (the spec's {@code objectives:} after
 *                    val_loss), in the spec's order; empty for a search of the loss alone
 * @param yaml        the spec text as given
 * @param origin      where the text came from: a file path or a description
 */
public record SearchSpec(String name, long seed, DataSpec data, Map<String, ParamSpec> space,
                         List<Constraint> constraints, StrategySpec strategy, PrunerSpec pruner, BudgetSpec budget,
                         TrainingSpec training, CostSpec cost, CheckpointsSpec checkpoints, InitSpec init,
                         List<Map<String, Object>> enqueue, NotifySpec onEnd, List<SpendMeasure> objectives,
                         String yaml, String origin)
        implements Serializable {
    /** How the objectives list, and a front's objectives, name the validation loss. */
    public static final String LOSS_OBJECTIVE = "val_loss";

    public SearchSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(space, "space");
        Objects.requireNonNull(constraints, "constraints");
        Objects.requireNonNull(strategy, "strategy");
        Objects.requireNonNull(pruner, "pruner");
        Objects.requireNonNull(budget, "budget");
        Objects.requireNonNull(training, "training");
        Objects.requireNonNull(cost, "cost");
        Objects.requireNonNull(checkpoints, "checkpoints");
        Objects.requireNonNull(yaml, "yaml");
        Objects.requireNonNull(origin, "origin");
        if (!space.keySet().equals(new HashSet<>(Hyperparameter.NAMES))) {
            throw new IllegalArgumentException("space must name exactly " + Hyperparameter.NAMES + ", got "
                    + space.keySet());
        }
        Map<String, ParamSpec> ordered = new LinkedHashMap<>();
        for (String n : Hyperparameter.NAMES) {
            ordered.put(n, Objects.requireNonNull(space.get(n), n));
        }
        space = Collections.unmodifiableMap(ordered);
        constraints = List.copyOf(constraints);
        enqueue = List.copyOf(enqueue);
        objectives = List.copyOf(objectives);
        if (new HashSet<>(objectives).size() != objectives.size()) {
            throw new IllegalArgumentException("objectives lists a measure twice: " + objectives);
        }
    }

    /** Whether the search minimises spend measures beside the loss, so that its result is a Pareto front. */
    public boolean isMultiObjective() {
        return !objectives.isEmpty();
    }

    /** This spec with another budget. */
    public SearchSpec withBudget(BudgetSpec newBudget) {
        return new SearchSpec(name, seed, data, space, constraints, strategy, pruner, newBudget, training, cost,
                checkpoints, init, enqueue, onEnd, objectives, yaml, origin);
    }

    /** The checkpoint trials start from; empty when they train from scratch. */
    public java.util.Optional<InitSpec> initial() {
        return java.util.Optional.ofNullable(init);
    }

    /** Where the search's end is posted; empty when the spec has no notify section. */
    public java.util.Optional<NotifySpec> notification() {
        return java.util.Optional.ofNullable(onEnd);
    }
}
