package io.hpo.space.spec;

import io.hpo.space.Hyperparameter;
import io.hpo.space.cost.CostSpec;
import io.hpo.space.cost.SpendMeasure;
import io.hpo.space.pruner.HyperbandPruner;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.reader.ReaderException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.Tag;

import java.io.StringReader;
import java.net.URI;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** One parse of one spec text; see {@link SpecLoader} for the format. */
final class SpecParser {

    private static final List<String> TOP_KEYS =
            List.of("name", "seed", "data", "strategy", "pruner", "budget", "training", "cost", "space", "constraints",
                    "checkpoints", "init", "enqueue", "notify", "objectives");
    private static final List<String> DATA_KEYS =
            List.of("source", "demo_sentences", "validation_fraction", "demo_task", "fraction");
    private static final List<String> STRATEGY_KEYS =
            List.of("type", "grid_points", "startup_trials", "ei_candidates", "gamma",
                    "multivariate", "multi_fidelity", "warm_start", "population", "exploit_every", "quantile",
                    "perturb", "resample_probability");
    /** The strategy keys only pbt reads; with another type they are an error rather than ignored. */
    private static final List<String> PBT_KEYS =
            List.of("population", "exploit_every", "quantile", "perturb", "resample_probability");
    private static final List<String> PRUNER_KEYS = List.of("type", "startup_trials", "warmup_steps", "min_steps",
            "reduction_factor", "min_early_stopping_rate", "brackets");
    private static final List<String> BUDGET_KEYS = Stream.concat(
            Stream.of("max_trials", "max_concurrent_trials", "max_steps_per_trial", "max_wall_time"),
            Arrays.stream(SpendMeasure.values()).map(SpendMeasure::budgetKey)).toList();
    private static final List<String> COST_KEYS = List.of("device_watts", "grid_gco2_per_kwh", "price_per_hour");
    private static final List<String> TRAINING_KEYS =
            List.of("workers", "averaging_frequency", "eval_every", "eval_batches", "outer_optimizer");
    private static final List<String> OUTER_OPTIMIZER_KEYS = List.of("type", "learning_rate", "momentum");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
    /** A URI scheme; two letters at least, so that a Windows drive letter is not taken for one. */
    private static final Pattern SCHEME = Pattern.compile("^([A-Za-z][A-Za-z0-9+.-]+):");

    private final String yaml;
    private final String origin;
    private final Path baseDir;
    private final boolean checkLocalData;
    private final NodeReader reader;

    /**
     * @param checkLocalData whether a local data path must exist here (false for a spec recorded by a search,
     *                       whose data was checked where it ran)
     */
    SpecParser(String yaml, String origin, Path baseDir, boolean checkLocalData) {
        this.yaml = yaml;
        this.origin = origin;
        this.baseDir = baseDir;
        this.checkLocalData = checkLocalData;
        this.reader = new NodeReader(origin);
    }

    SearchSpec parse() {
        Node root = compose(yaml, origin);
        if (root == null) {
            throw new SpecException(origin, 1, 1, "the spec is empty; it needs at least 'name'");
        }
        NodeReader.Mapping top = reader.mapping(root, "the spec");
        for (String key : top.keys()) {
            if (Hyperparameter.NAMES.contains(key)) {
                throw reader.error(top.keyNode(key), "hyperparameter '" + key + "' belongs under 'space:'");
            }
        }
        top = reader.mapping(root, "the spec", TOP_KEYS);

        String name = name(top.require("name"));
        long seed = top.value("seed").map(n -> reader.wholeNumber(n, "seed", Long.MIN_VALUE, Long.MAX_VALUE))
                .orElse(SpecDefaults.SEED);
        DataSpec data = data(section(top, "data", DATA_KEYS));
        StrategySpec strategy = strategy(section(top, "strategy", STRATEGY_KEYS));
        BudgetSpec budget = budget(section(top, "budget", BUDGET_KEYS));
        TrainingSpec training = training(section(top, "training", TRAINING_KEYS), budget);
        PrunerSpec pruner = pruner(section(top, "pruner", PRUNER_KEYS), budget, training);
        if (strategy.type() == StrategyType.PBT) {
            checkPbtFits(top, strategy.pbt(), budget, pruner);
        }
        CostSpec cost = cost(section(top, "cost", COST_KEYS));
        Map<String, ParamSpec> space = new SpaceParser(reader).parse(top.value("space").orElse(null),
                section(top, "data", DATA_KEYS).flatMap(m -> m.value("fraction")));
        FineTuningSections fineTuning = new FineTuningSections(reader, baseDir, checkLocalData);
        CheckpointsSpec checkpoints = fineTuning.checkpoints(section(top, "checkpoints",
                FineTuningSections.CHECKPOINTS_KEYS));
        InitSpec init = fineTuning.init(section(top, "init", FineTuningSections.INIT_KEYS), checkpoints, space,
                section(top, "space", Hyperparameter.NAMES));
        List<Constraint> constraints = constraints(top.value("constraints").orElse(null));
        NotifySpec notify = new NotifySection(reader).parse(top.value("notify").orElse(null));
        List<SpendMeasure> objectives = new ObjectivesSection(reader).parse(top.value("objectives").orElse(null),
                strategy.type());
        if (strategy.type() == StrategyType.AUTO) {
            strategy = AutoStrategy.resolve(strategy, space, budget, pruner, !objectives.isEmpty());
        }

        checkGridSize(space, strategy, top.value("strategy").isPresent() ? top.keyNode("strategy") : root);
        Node feasibilityNode = top.value("constraints").isPresent() ? top.keyNode("constraints")
                : top.value("space").isPresent() ? top.keyNode("space") : root;
        FeasibilityCheck.problem(space, constraints, strategy, seed).ifPresent(problem -> {
            throw reader.error(feasibilityNode, problem);
        });
        Node spaceNode = top.value("space").isPresent() ? top.keyNode("space") : root;
        MemoryEstimate.problem(space).ifPresent(problem -> {
            throw reader.error(spaceNode, problem);
        });
        List<Map<String, Object>> enqueue = EnqueuedConfigs.parseList(reader,
                top.value("enqueue").isPresent() ? top.keyNode("enqueue") : root, top.value("enqueue").orElse(null),
                space, constraints, seed, budget.maxTrials());
        return new SearchSpec(name, seed, data, space, constraints, strategy, pruner, budget, training, cost,
                checkpoints, init, enqueue, notify, objectives, yaml, origin);
    }

    /** The YAML text's root node, within {@link SpecLimits}; null when the text holds none. */
    static Node compose(String yaml, String origin) {
        if (yaml.length() > SpecLimits.MAX_SPEC_SIZE) {
            throw new SpecException(origin, 1, 1, "the spec is " + yaml.length() + " characters, longer than the "
                    + SpecLimits.MAX_SPEC_SIZE + " characters a spec may have");
        }
        LoaderOptions limits = new LoaderOptions();
        limits.setCodePointLimit(SpecLimits.MAX_SPEC_SIZE);
        limits.setNestingDepthLimit(SpecLimits.MAX_YAML_DEPTH);
        limits.setMaxAliasesForCollections(SpecLimits.MAX_YAML_ALIASES);
        limits.setAllowRecursiveKeys(false);
        Node root;
        try {
            root = new Yaml(limits).compose(new StringReader(yaml));
        } catch (MarkedYAMLException e) {
            Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            String problem = "malformed YAML: " + (e.getContext() != null ? e.getContext() + ", " : "")
                    + e.getProblem();
            throw mark == null ? new SpecException(origin, 1, 1, problem)
                    : new SpecException(origin, mark.getLine() + 1, mark.getColumn() + 1, problem);
        } catch (ReaderException e) {
            int[] at = lineAndColumn(yaml, e.getPosition());
            throw new SpecException(origin, at[0], at[1], String.format(Locale.ROOT,
                    "not a text file: special characters are not allowed, found U+%04X", e.getCodePoint()));
        } catch (YAMLException e) {
            throw new SpecException(origin, 1, 1, limitBroken(e.getMessage()));
        }
        return root;
    }

    /** SnakeYAML reports its limits without a position; say which limit, in this project's words. */
    private static String limitBroken(String message) {
        if (message.startsWith("Nesting Depth exceeded")) {
            return "lists and mappings are nested deeper than " + SpecLimits.MAX_YAML_DEPTH + " levels";
        }
        if (message.startsWith("Number of aliases")) {
            return "more than " + SpecLimits.MAX_YAML_ALIASES + " aliases (*name) to lists or mappings;"
                    + " a spec needs none";
        }
        return "malformed YAML: " + message;
    }

    /** 1-based line and column of the {@code position}-th code point of the text. */
    private static int[] lineAndColumn(String yaml, int position) {
        int line = 1;
        int column = 1;
        int[] codePoints = yaml.codePoints().limit(position).toArray();
        for (int c : codePoints) {
            if (c == '\n') {
                line++;
                column = 1;
            } else {
                column++;
            }
        }
        return new int[]{line, column};
    }

    /** An optional section; written but empty (every line commented out) means all defaults. */
    private Optional<NodeReader.Mapping> section(NodeReader.Mapping top, String key, List<String> known) {
        return top.value(key).filter(n -> !reader.isNull(n)).map(n -> reader.mapping(n, key, known));
    }

    private String name(Node node) {
        String name = reader.text(node, "name").trim();
        if (name.length() > SpecLimits.MAX_NAME_LENGTH || !NAME.matcher(name).matches()) {
            throw reader.error(node, "name must be 1 to " + SpecLimits.MAX_NAME_LENGTH
                    + " letters, digits, '.', '_' or '-' (starting with a letter or digit), got '" + NodeReader.excerpt(name) + "'");
        }
        return name;
    }

    private DataSpec data(Optional<NodeReader.Mapping> section) {
        if (section.isEmpty()) {
            return new DataSpec(SpecDefaults.DATA_SOURCE, SpecDefaults.DEMO_SENTENCES,
                    SpecDefaults.VALIDATION_FRACTION, SpecDefaults.DEMO_TASK);
        }
        NodeReader.Mapping m = section.get();
        String source = m.value("source").map(this::source).orElse(SpecDefaults.DATA_SOURCE);
        for (String demoOnly : List.of("demo_sentences", "demo_task")) {
            if (!source.equals(DataSpec.DEMO) && m.value(demoOnly).isPresent()) {
                throw reader.error(m.keyNode(demoOnly), demoOnly + " applies only to source: demo");
            }
        }
        String task = m.value("demo_task").map(n -> reader.oneOf(n, "demo_task", DataSpec.DEMO_TASKS))
                .orElse(SpecDefaults.DEMO_TASK);
        int sentences = m.value("demo_sentences").map(n -> reader.integer(n, "demo_sentences",
                SpecLimits.MIN_DEMO_SENTENCES, SpecLimits.MAX_DEMO_SENTENCES)).orElse(SpecDefaults.DEMO_SENTENCES);
        double fraction = SpecDefaults.VALIDATION_FRACTION;
        Optional<Node> fractionNode = m.value("validation_fraction");
        if (fractionNode.isPresent()) {
            fraction = reader.real(fractionNode.get(), "validation_fraction");
            if (!(fraction > 0 && fraction <= SpecLimits.MAX_VALIDATION_FRACTION)) {
                throw reader.error(fractionNode.get(), "validation_fraction must be in (0, "
                        + SpecLimits.MAX_VALIDATION_FRACTION + "], got " + fraction);
            }
        }
        return new DataSpec(source, sentences, fraction, task);
    }

    /** "demo", a remote URI as written, or a local file/folder that must exist, made absolute. */
    private String source(Node node) {
        String source = reader.text(node, "data.source").trim();
        if (source.isEmpty()) {
            throw reader.error(node, "data.source must be 'demo' or a path or URI of UTF-8 text");
        }
        if (source.equals(DataSpec.DEMO)) {
            return source;
        }
        var scheme = SCHEME.matcher(source);
        Path local;
        if (scheme.find()) {
            if (!scheme.group(1).equalsIgnoreCase("file")) {
                return source;
            }
            try {
                local = Path.of(URI.create(source));
            } catch (IllegalArgumentException | FileSystemNotFoundException e) {
                throw reader.error(node, "data.source '" + NodeReader.excerpt(source) + "' is not a valid file: URI ("
                        + e.getMessage() + ")");
            }
        } else {
            local = baseDir.resolve(source);
        }
        local = local.toAbsolutePath().normalize();
        if (!checkLocalData) {
            return local.toString();
        }
        if (!Files.exists(local)) {
            throw reader.error(node, "data.source " + NodeReader.excerpt(local.toString()) + " does not exist");
        }
        if (!Files.isReadable(local)) {
            throw reader.error(node, "data.source " + NodeReader.excerpt(local.toString()) + " is not readable");
        }
        return local.toString();
    }

    private StrategySpec strategy(Optional<NodeReader.Mapping> section) {
        if (section.isEmpty()) {
            return new StrategySpec(SpecDefaults.STRATEGY, SpecDefaults.GRID_POINTS);
        }
        NodeReader.Mapping m = section.get();
        StrategyType type = m.value("type").map(n -> enumValue(n, "strategy", StrategyType.class))
                .orElse(SpecDefaults.STRATEGY);
        int points = m.value("grid_points").map(n -> reader.integer(n, "grid_points", SpecLimits.MIN_GRID_POINTS,
                SpecLimits.MAX_GRID_POINTS)).orElse(SpecDefaults.GRID_POINTS);
        int startup = integer(section, "startup_trials", 1, SpecLimits.MAX_TPE_STARTUP_TRIALS,
                type == StrategyType.AUTO ? AutoStrategy.STARTUP_TRIALS : SpecDefaults.TPE_STARTUP_TRIALS);
        int candidates = integer(section, "ei_candidates", 1, SpecLimits.MAX_TPE_EI_CANDIDATES,
                SpecDefaults.TPE_EI_CANDIDATES);
        double gamma = SpecDefaults.TPE_GAMMA;
        Optional<Node> gammaNode = m.value("gamma");
        if (gammaNode.isPresent()) {
            gamma = reader.real(gammaNode.get(), "gamma");
            if (!(gamma > 0 && gamma < 1)) {
                throw reader.error(gammaNode.get(), "gamma must be in (0, 1), got " + gamma);
            }
        }
        boolean multivariate = m.value("multivariate").map(n -> reader.bool(n, "multivariate"))
                .orElse(SpecDefaults.TPE_MULTIVARIATE);
        boolean multiFidelity = m.value("multi_fidelity").map(n -> reader.bool(n, "multi_fidelity"))
                .orElse(SpecDefaults.MULTI_FIDELITY);
        List<String> warmStart = m.value("warm_start").map(this::warmStart).orElse(SpecDefaults.WARM_START);
        if (type != StrategyType.PBT) {
            for (String key : PBT_KEYS) {
                if (m.value(key).isPresent()) {
                    throw reader.error(m.keyNode(key), key + " is a setting of strategy type pbt, not of "
                            + type.name().toLowerCase(Locale.ROOT));
                }
            }
        }
        return new StrategySpec(type, points, new TpeSpec(startup, candidates, gamma, multivariate, multiFidelity),
                pbt(section), warmStart);
    }

    private PbtSpec pbt(Optional<NodeReader.Mapping> section) {
        int population = integer(section, "population", 2, SpecLimits.MAX_TRIALS, SpecDefaults.PBT_POPULATION);
        int exploitEvery = integer(section, "exploit_every", 1, SpecLimits.MAX_STEPS_PER_TRIAL,
                SpecDefaults.PBT_EXPLOIT_EVERY);
        double quantile = SpecDefaults.PBT_QUANTILE;
        Optional<Node> quantileNode = section.flatMap(m -> m.value("quantile"));
        if (quantileNode.isPresent()) {
            quantile = reader.real(quantileNode.get(), "quantile");
            if (!(quantile > 0 && quantile <= 0.5)) {
                throw reader.error(quantileNode.get(), "quantile must be in (0, 0.5] so that the members copying"
                        + " and those copied never overlap, got " + NodeReader.describe(quantileNode.get()));
            }
        }
        double resample = real(section, "resample_probability", 1, SpecDefaults.PBT_RESAMPLE_PROBABILITY);
        List<Double> perturb = section.flatMap(m -> m.value("perturb")).map(this::perturbFactors)
                .orElse(SpecDefaults.PBT_PERTURB);
        return new PbtSpec(population, exploitEvery, quantile, perturb, resample);
    }

    private List<Double> perturbFactors(Node node) {
        List<Node> items = reader.sequence(node, "perturb");
        if (items.isEmpty() || items.size() > SpecLimits.MAX_PBT_PERTURB_FACTORS) {
            throw reader.error(node, "perturb must list 1 to " + SpecLimits.MAX_PBT_PERTURB_FACTORS
                    + " factors, got " + items.size());
        }
        List<Double> factors = new ArrayList<>();
        for (Node item : items) {
            double factor = reader.real(item, "a perturb factor");
            String problem = PbtSpec.factorProblem(factor);
            if (problem != null) {
                throw reader.error(item, problem);
            }
            factors.add(factor);
        }
        return factors;
    }

    /**
     * A pbt search trains its population as its trials, exploits between intervals within the step budget, and
     * replaces the losing members itself, so a pruner stopping them would fight it.
     */
    private void checkPbtFits(NodeReader.Mapping top, PbtSpec pbt, BudgetSpec budget, PrunerSpec pruner) {
        NodeReader.Mapping section = reader.mapping(top.value("strategy").orElseThrow(), "strategy", STRATEGY_KEYS);
        if (pbt.exploitEvery() >= budget.maxStepsPerTrial()) {
            throw reader.error(section.value("exploit_every").orElse(section.keyNode("type")), "exploit_every "
                    + pbt.exploitEvery() + " must be below max_steps_per_trial " + budget.maxStepsPerTrial()
                    + ", or no member is ever exploited");
        }
        if (pbt.population() > budget.maxTrials()) {
            throw reader.error(section.value("population").orElse(section.keyNode("type")), "population "
                    + pbt.population() + " is more than max_trials " + budget.maxTrials()
                    + ": each member is one trial");
        }
        if (pruner.type() != PrunerType.NONE) {
            Node prunerNode = reader.mapping(top.value("pruner").orElseThrow(), "pruner", PRUNER_KEYS).keyNode("type");
            throw reader.error(prunerNode, "pruner " + pruner.type().name().toLowerCase(Locale.ROOT) + " cannot run"
                    + " with strategy pbt, which replaces its losing members itself: use pruner type none");
        }
    }

    /** A list of distinct search ids, each as the driver names searches. */
    private List<String> warmStart(Node node) {
        List<Node> items = reader.sequence(node, "warm_start");
        if (items.size() > SpecLimits.MAX_WARM_START_SEARCHES) {
            throw reader.error(node, "warm_start lists " + items.size() + " searches, more than the "
                    + SpecLimits.MAX_WARM_START_SEARCHES + " a spec may warm-start from");
        }
        List<String> ids = new ArrayList<>();
        for (Node item : items) {
            if (!(item instanceof ScalarNode scalar) || reader.isNull(item) || scalar.getTag().equals(Tag.BOOL)) {
                throw reader.error(item, "warm_start must list search ids, got " + NodeReader.describe(item));
            }
            String id = scalar.getValue().trim();
            if (id.isEmpty()) {
                throw reader.error(item, "warm_start lists an empty search id");
            }
            if (id.length() > SpecLimits.MAX_SEARCH_ID_LENGTH || !NAME.matcher(id).matches()) {
                throw reader.error(item, "warm_start: '" + NodeReader.excerpt(id) + "' is not a search id (1 to "
                        + SpecLimits.MAX_SEARCH_ID_LENGTH + " letters, digits, '.', '_' or '-', starting with a"
                        + " letter or digit)");
            }
            if (ids.contains(id)) {
                throw reader.error(item, "warm_start lists search '" + id + "' twice");
            }
            ids.add(id);
        }
        return ids;
    }

    private PrunerSpec pruner(Optional<NodeReader.Mapping> section, BudgetSpec budget, TrainingSpec training) {
        if (section.isEmpty()) {
            return PrunerSpec.none();
        }
        PrunerType type = section.get().value("type").map(n -> enumValue(n, "pruner", PrunerType.class))
                .orElse(SpecDefaults.PRUNER);
        PrunerSpec pruner = new PrunerSpec(type,
                integer(section, "startup_trials", 0, SpecLimits.MAX_TRIALS, SpecDefaults.PRUNER_STARTUP_TRIALS),
                integer(section, "warmup_steps", 0, SpecLimits.MAX_PRUNER_STEPS, SpecDefaults.PRUNER_WARMUP_STEPS),
                integer(section, "min_steps", 0, SpecLimits.MAX_PRUNER_STEPS, SpecDefaults.ASHA_MIN_STEPS),
                integer(section, "reduction_factor", 2, SpecLimits.MAX_REDUCTION_FACTOR,
                        type == PrunerType.HYPERBAND ? SpecDefaults.HYPERBAND_REDUCTION_FACTOR
                                : SpecDefaults.ASHA_REDUCTION_FACTOR),
                integer(section, "min_early_stopping_rate", 0, SpecLimits.MAX_MIN_EARLY_STOPPING_RATE,
                        SpecDefaults.ASHA_MIN_EARLY_STOPPING_RATE),
                integer(section, "brackets", 0, SpecLimits.MAX_HYPERBAND_BRACKETS, SpecDefaults.HYPERBAND_BRACKETS));
        if (type == PrunerType.HYPERBAND) {
            checkBracketsFit(section.get(), pruner, budget, training);
        }
        return pruner;
    }

    /** Hyperband's bracket b starts at min_steps * reduction_factor^b steps, which must be within the budget. */
    private void checkBracketsFit(NodeReader.Mapping section, PrunerSpec pruner, BudgetSpec budget,
                                  TrainingSpec training) {
        long minSteps = pruner.firstRungSteps(training);
        long maxSteps = budget.maxStepsPerTrial();
        int fit = HyperbandPruner.bracketsThatFit(minSteps, pruner.reductionFactor(), maxSteps);
        if (fit == 0) {
            // eval_every is within the budget, so only a min_steps written out can be past it
            throw reader.error(section.value("min_steps").orElseThrow(), "hyperband's first rung, min_steps "
                    + minSteps + ", is past max_steps_per_trial " + maxSteps);
        }
        if (pruner.brackets() > fit) {
            throw reader.error(section.value("brackets").orElseThrow(), "brackets " + pruner.brackets()
                    + " is more than fit: bracket b starts at min_steps * reduction_factor^b = " + minSteps + " * "
                    + pruner.reductionFactor() + "^b steps, at most max_steps_per_trial " + maxSteps + ", so at most "
                    + fit);
        }
    }

    private <E extends Enum<E>> E enumValue(Node node, String what, Class<E> type) {
        String text = reader.text(node, what + ".type").trim().toLowerCase(Locale.ROOT);
        List<String> known = new ArrayList<>();
        for (E t : type.getEnumConstants()) {
            known.add(t.name().toLowerCase(Locale.ROOT));
        }
        if (!known.contains(text)) {
            throw reader.error(node, "unknown " + what + " '" + NodeReader.excerpt(text) + "'"
                    + Suggestions.hint(text, known));
        }
        return Enum.valueOf(type, text.toUpperCase(Locale.ROOT));
    }

    private BudgetSpec budget(Optional<NodeReader.Mapping> section) {
        int trials = integer(section, "max_trials", 1, SpecLimits.MAX_TRIALS, SpecDefaults.MAX_TRIALS);
        int concurrent = integer(section, "max_concurrent_trials", 1, SpecLimits.MAX_CONCURRENT_TRIALS,
                SpecDefaults.MAX_CONCURRENT_TRIALS);
        int steps = integer(section, "max_steps_per_trial", 1, SpecLimits.MAX_STEPS_PER_TRIAL,
                SpecDefaults.MAX_STEPS_PER_TRIAL);
        Duration wallTime = section.flatMap(m -> m.value("max_wall_time")).map(this::duration)
                .orElse(SpecDefaults.MAX_WALL_TIME);
        Map<SpendMeasure, Double> spendLimits = new EnumMap<>(SpendMeasure.class);
        for (SpendMeasure measure : SpendMeasure.values()) {
            section.flatMap(m -> m.value(measure.budgetKey())).ifPresent(n -> spendLimits.put(measure,
                    realIn(n, measure.budgetKey(), false, SpecLimits.MAX_SPEND_LIMIT)));
        }
        // more concurrent trials than trials is harmless: never more than max_trials can run
        return new BudgetSpec(trials, Math.min(concurrent, trials), steps, wallTime, spendLimits);
    }

    private CostSpec cost(Optional<NodeReader.Mapping> section) {
        CostSpec d = SpecDefaults.COST;
        return new CostSpec(
                real(section, "device_watts", SpecLimits.MAX_DEVICE_WATTS, d.deviceWatts()),
                real(section, "grid_gco2_per_kwh", SpecLimits.MAX_GRID_GCO2_PER_KWH, d.gridGramsCo2PerKwh()),
                real(section, "price_per_hour", SpecLimits.MAX_PRICE_PER_HOUR, d.pricePerHour()));
    }

    /** An optional real in [0, max]. */
    private double real(Optional<NodeReader.Mapping> section, String key, double max, double fallback) {
        return section.flatMap(m -> m.value(key)).map(n -> realIn(n, key, true, max)).orElse(fallback);
    }

    /** A finite real in [0, max] with {@code zeroAllowed}, else in (0, max]. */
    private double realIn(Node node, String key, boolean zeroAllowed, double max) {
        double value = reader.real(node, key);
        if (value > max || value < 0 || (!zeroAllowed && value == 0)) {
            throw reader.error(node, key + " must be in " + (zeroAllowed ? "[0, " : "(0, ") + NodeReader.plain(max)
                    + "], got " + NodeReader.describe(node));
        }
        return value;
    }

    private Duration duration(Node node) {
        Duration d;
        try {
            d = Durations.parse(reader.text(node, "max_wall_time"));
        } catch (IllegalArgumentException e) {
            throw reader.error(node, "max_wall_time: " + e.getMessage());
        }
        if (d.compareTo(SpecLimits.MAX_WALL_TIME) > 0) {
            throw reader.error(node, "max_wall_time must be at most " + Durations.format(SpecLimits.MAX_WALL_TIME)
                    + ", got " + Durations.format(d));
        }
        return d;
    }

    private TrainingSpec training(Optional<NodeReader.Mapping> section, BudgetSpec budget) {
        int workers = integer(section, "workers", 1, SpecLimits.MAX_WORKERS, SpecDefaults.WORKERS);
        int averaging = integer(section, "averaging_frequency", 1, SpecLimits.MAX_AVERAGING_FREQUENCY,
                SpecDefaults.AVERAGING_FREQUENCY);
        int evalEvery = integer(section, "eval_every", 1, SpecLimits.MAX_STEPS_PER_TRIAL, SpecDefaults.EVAL_EVERY);
        int evalBatches = integer(section, "eval_batches", 1, SpecLimits.MAX_EVAL_BATCHES, SpecDefaults.EVAL_BATCHES);
        if (evalEvery > budget.maxStepsPerTrial()) {
            Node at = section.flatMap(m -> m.value("eval_every")).orElse(null);
            String problem = "eval_every " + evalEvery + " exceeds max_steps_per_trial " + budget.maxStepsPerTrial()
                    + ": no trial would ever be evaluated";
            throw at != null ? reader.error(at, problem) : new SpecException(origin, 1, 1, problem);
        }
        OuterOptimizerSpec outer = section.flatMap(m -> m.value("outer_optimizer")).map(this::outerOptimizer)
                // a search recorded before the setting existed averaged plainly, whatever today's default is
                .orElse(checkLocalData ? SpecDefaults.OUTER_OPTIMIZER : OuterOptimizerSpec.average());
        return new TrainingSpec(workers, averaging, evalEvery, evalBatches, outer);
    }

    /** {@code average}, {@code nesterov} (its defaults), or a mapping with type, learning_rate and momentum. */
    private OuterOptimizerSpec outerOptimizer(Node node) {
        if (!(node instanceof MappingNode)) {
            OuterOptimizerType type = enumValue(node, "outer_optimizer", OuterOptimizerType.class);
            return type == OuterOptimizerType.AVERAGE ? OuterOptimizerSpec.average() : SpecDefaults.NESTEROV;
        }
        NodeReader.Mapping m = reader.mapping(node, "outer_optimizer", OUTER_OPTIMIZER_KEYS);
        OuterOptimizerType type = enumValue(m.require("type"), "outer_optimizer", OuterOptimizerType.class);
        if (type == OuterOptimizerType.AVERAGE) {
            for (String key : List.of("learning_rate", "momentum")) {
                if (m.value(key).isPresent()) {
                    throw reader.error(m.keyNode(key), "outer_optimizer." + key + " applies only to type: nesterov");
                }
            }
            return OuterOptimizerSpec.average();
        }
        double rate = m.value("learning_rate")
                .map(n -> realIn(n, "outer_optimizer.learning_rate", false, SpecLimits.MAX_OUTER_LEARNING_RATE))
                .orElse(SpecDefaults.NESTEROV.learningRate());
        double momentum = SpecDefaults.NESTEROV.momentum();
        Optional<Node> momentumNode = m.value("momentum");
        if (momentumNode.isPresent()) {
            momentum = reader.real(momentumNode.get(), "outer_optimizer.momentum");
            if (!(momentum >= 0 && momentum < 1)) {
                throw reader.error(momentumNode.get(), "outer_optimizer.momentum must be in [0, 1), got "
                        + NodeReader.describe(momentumNode.get()));
            }
        }
        return new OuterOptimizerSpec(type, rate, momentum);
    }

    private int integer(Optional<NodeReader.Mapping> section, String key, int min, int max, int fallback) {
        return section.flatMap(m -> m.value(key)).map(n -> reader.integer(n, key, min, max)).orElse(fallback);
    }

    private List<Constraint> constraints(Node node) {
        List<Constraint> constraints = new ArrayList<>();
        if (node == null || reader.isNull(node)) {
            return constraints;
        }
        for (Node item : reader.sequence(node, "constraints")) {
            String text = reader.text(item, "a constraint");
            if (text.length() > SpecLimits.MAX_CONSTRAINT_LENGTH) {
                throw reader.error(item, "a constraint has at most " + SpecLimits.MAX_CONSTRAINT_LENGTH
                        + " characters, got " + text.length());
            }
            try {
                constraints.add(Constraint.parse(text));
            } catch (IllegalArgumentException e) {
                throw reader.error(item, e.getMessage());
            }
        }
        return constraints;
    }

    private void checkGridSize(Map<String, ParamSpec> space, StrategySpec strategy, Node node) {
        if (strategy.type() != StrategyType.GRID) {
            return;
        }
        long size = 1;
        for (ParamSpec spec : space.values()) {
            try {
                size = Math.multiplyExact(size, spec.gridSize(strategy.gridPoints()));
            } catch (ArithmeticException overflow) {
                size = Long.MAX_VALUE;
                break;
            }
        }
        if (size > SpecLimits.MAX_GRID_SIZE) {
            throw reader.error(node, "grid search over this space has " + size + " points, more than "
                    + SpecLimits.MAX_GRID_SIZE + ": lower grid_points, or fix or narrow some hyperparameters");
        }
    }
}
