package io.hpo.space.spec;

import io.hpo.space.Hyperparameters;
import io.hpo.space.cost.CostSpec;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** Writes specs back out as YAML that {@link SpecLoader} reads. */
public final class SpecWriter {

    private static final String BEST_SUFFIX = "-best";

    private SpecWriter() {
    }

    /**
     * The spec that re-runs {@code hp} alone: same seed, data, steps, wall time and training settings, one trial,
     * every hyperparameter fixed, named after the search with "-best" appended. Doubles are written with
     * {@link Double#toString}, so the loaded configuration equals {@code hp} exactly. {@code hp} must lie within
     * {@link SpecLimits}, as every sampled configuration does.
     */
    public static String withFixed(SearchSpec spec, Hyperparameters hp) {
        return withFixed(spec, hp, BEST_SUFFIX, List.of("one configuration, every hyperparameter fixed"));
    }

    /**
     * As {@link #withFixed(SearchSpec, Hyperparameters)}, named with {@code suffix} and headed by {@code headline}'s
     * comment lines (the first after the search's name).
     */
    public static String withFixed(SearchSpec spec, Hyperparameters hp, String suffix, List<String> headline) {
        StringBuilder out = new StringBuilder();
        out.append("# ").append(spec.name()).append(": ").append(headline.get(0)).append('\n');
        headline.subList(1, headline.size()).forEach(line -> out.append("# ").append(line).append('\n'));
        StrategySpec single = new StrategySpec(StrategyType.RANDOM, spec.strategy().gridPoints());
        appendSettings(out, suffixed(spec.name(), suffix), spec, single, 1, 1, true);
        out.append("space:\n");
        for (Map.Entry<String, Object> e : hp.toMap().entrySet()) {
            out.append("  ").append(e.getKey()).append(": ").append(e.getValue()).append('\n');
        }
        return out.toString();
    }

    /**
     * The whole spec as it was understood: every default written out (but the cost section's, see below) and the
     * data path absolute, so the record
     * of a search means the same thing wherever and whenever it is read ({@link SpecLoader#parseRecorded}).
     */
    public static String canonical(SearchSpec spec) {
        return canonical(spec, true);
    }

    /**
     * Whether {@code recorded}, a search's recorded canonical spec, records {@code spec}. Searches recorded before
     * the pruner and the samplers' settings were written have neither: such a record matches a spec that differs
     * from it only there (which pruner it ran with is not known).
     */
    public static boolean records(String recorded, SearchSpec spec) {
        return recorded.equals(canonical(spec)) || recorded.equals(canonical(spec, false));
    }

    private static String canonical(SearchSpec spec, boolean searchSettings) {
        StringBuilder out = new StringBuilder();
        BudgetSpec budget = spec.budget();
        appendSettings(out, spec.name(), spec, spec.strategy(), budget.maxTrials(), budget.maxConcurrentTrials(),
                searchSettings);
        out.append("space:\n");
        spec.space().forEach((name, param) -> out.append("  ").append(name).append(": ").append(yaml(param)).append('\n'));
        if (!spec.constraints().isEmpty()) {
            out.append("constraints:\n");
            spec.constraints().forEach(c -> out.append("  - ").append(quoted(c.text())).append('\n'));
        }
        // none stays unwritten, so a search recorded before enqueue existed still matches its spec
        if (!spec.enqueue().isEmpty()) {
            out.append("enqueue:\n");
            spec.enqueue().forEach(config -> out.append("  - {").append(config.entrySet().stream()
                    .map(e -> e.getKey() + ": " + e.getValue()).collect(Collectors.joining(", "))).append("}\n"));
        }
        // none stays unwritten, so a search recorded before objectives existed still matches its spec
        if (spec.isMultiObjective()) {
            out.append("objectives: [").append(SearchSpec.LOSS_OBJECTIVE);
            spec.objectives().forEach(m -> out.append(", ").append(m.key()));
            out.append("]\n");
        }
        return out.toString();
    }

    private static void appendPbt(StringBuilder out, PbtSpec pbt) {
        out.append("  population: ").append(pbt.population()).append('\n');
        out.append("  exploit_every: ").append(pbt.exploitEvery()).append('\n');
        out.append("  quantile: ").append(pbt.quantile()).append('\n');
        out.append("  perturb: ").append(pbt.perturb()).append('\n');
        out.append("  resample_probability: ").append(pbt.resampleProbability()).append('\n');
    }

    /** {@code searchSettings}: whether to write the pruner and the samplers' settings. */
    private static void appendSettings(StringBuilder out, String name, SearchSpec spec, StrategySpec strategy,
                                       int maxTrials, int maxConcurrent, boolean searchSettings) {
        out.append("name: ").append(quoted(name)).append('\n');
        out.append("seed: ").append(spec.seed()).append('\n');
        DataSpec data = spec.data();
        out.append("data:\n");
        out.append("  source: ").append(quoted(data.source())).append('\n');
        if (data.isDemo()) {
            out.append("  demo_sentences: ").append(data.demoSentences()).append('\n');
            out.append("  demo_task: ").append(data.demoTask()).append('\n');
        }
        out.append("  validation_fraction: ").append(data.validationFraction()).append('\n');
        out.append("strategy:\n");
        out.append("  type: ").append(strategy.type().name().toLowerCase(Locale.ROOT)).append('\n');
        out.append("  grid_points: ").append(strategy.gridPoints()).append('\n');
        if (searchSettings) {
            appendModelSettings(out, strategy.tpe());
            // only a pbt search writes its settings, so a search recorded before pbt existed still matches its spec
            if (strategy.type() == StrategyType.PBT) {
                appendPbt(out, strategy.pbt());
            }
            // none stays unwritten, so a search recorded before warm starts existed still matches its spec
            if (!strategy.warmStart().isEmpty()) {
                out.append("  warm_start: [").append(strategy.warmStart().stream().map(SpecWriter::quoted)
                        .collect(Collectors.joining(", "))).append("]\n");
            }
            appendPruner(out, spec.pruner());
        }
        BudgetSpec budget = spec.budget();
        out.append("budget:\n");
        out.append("  max_trials: ").append(maxTrials).append('\n');
        out.append("  max_concurrent_trials: ").append(maxConcurrent).append('\n');
        out.append("  max_steps_per_trial: ").append(budget.maxStepsPerTrial()).append('\n');
        out.append("  max_wall_time: ").append(Durations.format(budget.maxWallTime())).append('\n');
        budget.spendLimits().forEach((measure, limit) ->
                out.append("  ").append(measure.budgetKey()).append(": ").append(limit).append('\n'));
        TrainingSpec training = spec.training();
        out.append("training:\n");
        out.append("  workers: ").append(training.workers()).append('\n');
        out.append("  averaging_frequency: ").append(training.averagingFrequency()).append('\n');
        out.append("  eval_every: ").append(training.evalEvery()).append('\n');
        out.append("  eval_batches: ").append(training.evalBatches()).append('\n');
        // plain averaging (also every 1-worker search's) stays unwritten, so a search recorded before the setting
        // existed still matches its spec
        OuterOptimizerSpec outer = training.outerOptimizer();
        if (outer.type() != OuterOptimizerType.AVERAGE) {
            out.append("  outer_optimizer: {type: ").append(outer.type().name().toLowerCase(Locale.ROOT))
                    .append(", learning_rate: ").append(outer.learningRate())
                    .append(", momentum: ").append(outer.momentum()).append("}\n");
        }
        CostSpec cost = spec.cost();
        // default prices stay unwritten, so a search recorded before the cost section existed still matches its spec
        if (!cost.equals(SpecDefaults.COST)) {
            out.append("cost:\n");
            out.append("  device_watts: ").append(cost.deviceWatts()).append('\n');
            out.append("  grid_gco2_per_kwh: ").append(cost.gridGramsCo2PerKwh()).append('\n');
            out.append("  price_per_hour: ").append(cost.pricePerHour()).append('\n');
        }
        CheckpointsSpec checkpoints = spec.checkpoints();
        out.append("checkpoints:\n");
        out.append("  dir: ").append(quoted(checkpoints.dir())).append('\n');
        out.append("  save: ").append(checkpoints.policy().name().toLowerCase(Locale.ROOT)).append('\n');
        // the resolved file, not from_trial: the record must mean the same file wherever checkpoints.dir points later
        spec.initial().ifPresent(init -> out.append("init:\n  checkpoint: ").append(quoted(init.checkpoint()))
                .append('\n'));
        // absent stays unwritten, so a search recorded before notify existed still matches its spec
        spec.notification().ifPresent(notify -> out.append("notify:\n  webhook: ").append(quoted(notify.webhook()))
                .append("\n  endings: [").append(String.join(", ", notify.endings())).append("]\n"));
    }

    /**
     * The model-based samplers' settings (gp's follow tpe's); the defaults stay unwritten, so a search recorded before
     * they were recorded still matches its spec.
     */
    private static void appendModelSettings(StringBuilder out, TpeSpec tpe) {
        if (tpe.equals(TpeSpec.defaults())) {
            return;
        }
        out.append("  startup_trials: ").append(tpe.startupTrials()).append('\n');
        out.append("  ei_candidates: ").append(tpe.eiCandidates()).append('\n');
        out.append("  gamma: ").append(tpe.gamma()).append('\n');
        out.append("  multivariate: ").append(tpe.multivariate()).append('\n');
        out.append("  multi_fidelity: ").append(tpe.multiFidelity()).append('\n');
    }

    /** No pruner stays unwritten, so a search recorded before pruners were recorded still matches its spec. */
    private static void appendPruner(StringBuilder out, PrunerSpec pruner) {
        if (pruner.equals(PrunerSpec.none())) {
            return;
        }
        out.append("pruner:\n");
        out.append("  type: ").append(pruner.type().name().toLowerCase(Locale.ROOT)).append('\n');
        out.append("  startup_trials: ").append(pruner.startupTrials()).append('\n');
        out.append("  warmup_steps: ").append(pruner.warmupSteps()).append('\n');
        out.append("  min_steps: ").append(pruner.minSteps()).append('\n');
        out.append("  reduction_factor: ").append(pruner.reductionFactor()).append('\n');
        out.append("  min_early_stopping_rate: ").append(pruner.minEarlyStoppingRate()).append('\n');
        out.append("  brackets: ").append(pruner.brackets()).append('\n');
    }

    /** How the spec writes {@code param}, e.g. {@code {uniform: [0.001, 0.01]}}. */
    static String yaml(ParamSpec param) {
        if (param instanceof ParamSpec.Conditional c) {
            String sampled = c.sampled() instanceof ParamSpec.Fixed f ? "{choice: [" + f.value() + "]}"
                    : yaml(c.sampled());
            return sampled.substring(0, sampled.length() - 1) + ", when: {" + c.parent() + ": ["
                    + c.parentValues().stream().map(String::valueOf).collect(Collectors.joining(", "))
                    + "]}, otherwise: " + c.otherwise() + "}";
        }
        if (param instanceof ParamSpec.Uniform u) {
            return "{uniform: [" + u.min() + ", " + u.max() + "]}";
        }
        if (param instanceof ParamSpec.LogUniform l) {
            return "{log_uniform: [" + l.min() + ", " + l.max() + "]}";
        }
        if (param instanceof ParamSpec.IntRange r) {
            return "{int: [" + r.min() + ", " + r.max() + "]}";
        }
        if (param instanceof ParamSpec.Choice c) {
            return "{choice: [" + c.values().stream().map(String::valueOf).collect(Collectors.joining(", ")) + "]}";
        }
        return String.valueOf(((ParamSpec.Fixed) param).value());
    }

    private static String suffixed(String name, String suffix) {
        if (name.endsWith(suffix)) {
            return name;
        }
        int room = SpecLimits.MAX_NAME_LENGTH - suffix.length();
        return (name.length() > room ? name.substring(0, room) : name) + suffix;
    }

    /** A YAML double-quoted scalar: safe for any text, such as paths with ': ' or '#'. */
    static String quoted(String text) {
        StringBuilder out = new StringBuilder("\"");
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        out.append(String.format("\\x%02x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
