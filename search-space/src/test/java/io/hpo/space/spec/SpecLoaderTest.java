package io.hpo.space.spec;

import io.hpo.space.Hyperparameter;
import io.hpo.space.Hyperparameters;
import io.hpo.space.Optimizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SpecLoaderTest {

    static final Path EXAMPLES = Path.of("..", "examples");

    @Test
    void loadsTheDemoExample() {
        SearchSpec spec = SpecLoader.load(EXAMPLES.resolve("demo.yaml"));

        assertEquals("demo", spec.name());
        assertEquals(42, spec.seed());
        assertTrue(spec.data().isDemo());
        assertEquals(new BudgetSpec(8, 2, 120, Duration.ofMinutes(30)), spec.budget());
        assertEquals(new TrainingSpec(2, 5, 20, 4, SpecDefaults.OUTER_OPTIMIZER), spec.training());
        assertEquals(new StrategySpec(StrategyType.RANDOM, 3), spec.strategy());
        assertEquals(new ParamSpec.LogUniform(3.0e-4, 5.0e-3), spec.space().get(Hyperparameter.LEARNING_RATE.name()));
        assertEquals(new ParamSpec.Choice(List.of(32, 48, 64)), spec.space().get(Hyperparameter.WIDTH.name()));
        assertEquals(new ParamSpec.IntRange(1, 2), spec.space().get(Hyperparameter.LAYERS.name()));
        assertEquals(new ParamSpec.Fixed("adam"), spec.space().get(Hyperparameter.OPTIMIZER.name()));
        assertEquals(new ParamSpec.Fixed(32), spec.space().get(Hyperparameter.SEQ_LENGTH.name()));
        assertEquals(List.of(Constraint.parse("width % heads == 0")), spec.constraints());
        assertEquals(EXAMPLES.resolve("demo.yaml").toString(), spec.origin());
        assertTrue(spec.yaml().startsWith("# The demo search"));
    }

    @Test
    void loadsTheFullExample() {
        SearchSpec spec = SpecLoader.load(EXAMPLES.resolve("full.yaml"));

        assertEquals(new StrategySpec(StrategyType.GRID, 3), spec.strategy());
        assertEquals(Duration.ofMinutes(90), spec.budget().maxWallTime());
        assertEquals(new DataSpec("demo", 2000, 0.1, DataSpec.QUESTION_FORMATION), spec.data());
        assertEquals(2, spec.constraints().size());
        assertEquals(List.copyOf(Hyperparameter.NAMES), List.copyOf(spec.space().keySet()));
    }

    @Test
    void readsTpeAndPrunerSettings() {
        SearchSpec spec = SpecLoader.parse("""
                name: tuned
                strategy: {type: tpe, startup_trials: 4, ei_candidates: 48, gamma: 0.2}
                pruner: {type: asha, min_steps: 25, reduction_factor: 4, min_early_stopping_rate: 1}
                """, "inline");

        assertEquals(new StrategySpec(StrategyType.TPE, 3, new TpeSpec(4, 48, 0.2, true, false)), spec.strategy());
        assertEquals(new PrunerSpec(PrunerType.ASHA, 5, 0, 25, 4, 1, 0), spec.pruner());
        assertFalse(SpecLoader.parse("name: i\nstrategy: {type: tpe, multivariate: false}\n", "i").strategy().tpe()
                .multivariate());
        assertEquals(new PrunerSpec(PrunerType.MEDIAN, 2, 40, 0, 4, 0, 0),
                SpecLoader.parse("name: m\npruner: {type: median, startup_trials: 2, warmup_steps: 40}\n", "m")
                        .pruner());
        assertEquals(new PrunerSpec(PrunerType.HYPERBAND, 5, 0, 10, 3, 0, 3),
                SpecLoader.parse("name: h\nbudget: {max_steps_per_trial: 90}\n"
                        + "pruner: {type: hyperband, min_steps: 10, brackets: 3}\n", "h").pruner());
        assertEquals(new PrunerSpec(PrunerType.ASHA, 5, 0, 0, 4, 0, 0),
                SpecLoader.parse("name: a\npruner: {type: asha}\n", "a").pruner());
    }

    @Test
    void fillsEveryDefault() {
        SearchSpec spec = SpecLoader.parse("name: minimal\n", "inline");

        assertEquals(SpecDefaults.SEED, spec.seed());
        assertEquals(new DataSpec("demo", 3000, 0.1, DataSpec.QUESTION_FORMATION), spec.data());
        assertEquals(new StrategySpec(StrategyType.RANDOM, 3), spec.strategy());
        assertEquals(new TpeSpec(10, 24, 0.25, true, false), spec.strategy().tpe());
        assertEquals(PrunerSpec.none(), spec.pruner());
        assertEquals(new PrunerSpec(PrunerType.NONE, 5, 0, 0, 4, 0, 0), spec.pruner());
        assertEquals(new BudgetSpec(10, 1, 200, Duration.ofHours(1)), spec.budget());
        assertEquals(new TrainingSpec(1, 5, 50, 8, OuterOptimizerSpec.average()), spec.training());
        assertTrue(spec.constraints().isEmpty());
        Hyperparameters.defaults().toMap().forEach((name, value) ->
                assertEquals(new ParamSpec.Fixed(value), spec.space().get(name), name));
        assertEquals(Optimizer.ADAM, Hyperparameters.defaults().optimizer());
    }

    @Test
    void readsTheOuterOptimizerByNameOrInFull() {
        String twoWorkers = "name: t\ntraining:\n  workers: 2\n  outer_optimizer: ";

        assertEquals(SpecDefaults.NESTEROV, SpecLoader.parse(twoWorkers + "nesterov\n", "t").training()
                .outerOptimizer());
        assertEquals(OuterOptimizerSpec.average(), SpecLoader.parse(twoWorkers + "average\n", "t").training()
                .outerOptimizer());
        assertEquals(new OuterOptimizerSpec(OuterOptimizerType.NESTEROV, 1.2, 0.3), SpecLoader.parse(twoWorkers
                + "{type: nesterov, learning_rate: 1.2, momentum: 0.3}\n", "t").training().outerOptimizer());
        assertEquals(new OuterOptimizerSpec(OuterOptimizerType.NESTEROV, SpecDefaults.NESTEROV.learningRate(), 0.0),
                SpecLoader.parse(twoWorkers + "{type: nesterov, momentum: 0}\n", "t").training().outerOptimizer());
        assertEquals(SpecDefaults.OUTER_OPTIMIZER, SpecLoader.parse("name: t\ntraining: {workers: 2}\n", "t")
                .training().outerOptimizer());
        // one worker has nothing to average
        assertEquals(OuterOptimizerSpec.average(), SpecLoader.parse("name: t\ntraining:\n  outer_optimizer: "
                + "nesterov\n", "t").training().outerOptimizer());
    }

    @Test
    void capsConcurrencyAtTrialsAndTreatsEmptySectionsAsDefaults() {
        SearchSpec spec = SpecLoader.parse("""
                name: capped
                budget:
                  max_trials: 3
                  max_concurrent_trials: 50
                training:
                constraints:
                """, "inline");

        assertEquals(3, spec.budget().maxConcurrentTrials());
        assertEquals(SpecDefaults.WORKERS, spec.training().workers());
    }

    @Test
    void readsNumbersYamlTakesForText() {
        SearchSpec spec = SpecLoader.parse("""
                name: numbers
                space:
                  learning_rate: 1e-3
                  weight_decay: {log_uniform: ["1e-5", 1E-2]}
                  warmup_steps: 1_000
                """, "inline");

        assertEquals(new ParamSpec.Fixed(1e-3), spec.space().get(Hyperparameter.LEARNING_RATE.name()));
        assertEquals(new ParamSpec.LogUniform(1e-5, 1e-2), spec.space().get(Hyperparameter.WEIGHT_DECAY.name()));
        assertEquals(new ParamSpec.Fixed(1000), spec.space().get(Hyperparameter.WARMUP_STEPS.name()));
    }

    @Test
    void readsTheDataFractionAsTheDataFractionHyperparameter() {
        SearchSpec searched = SpecLoader.parse("name: f\ndata:\n  fraction: {choice: [0.001, 0.01, 1.0]}\n", "f");
        assertEquals(new ParamSpec.Choice(List.of(0.001, 0.01, 1.0)),
                searched.space().get(Hyperparameter.DATA_FRACTION.name()));
        assertEquals(0.001, searched.space().get(Hyperparameter.DATA_FRACTION.name()).smallest());
        SearchSpec underSpace = SpecLoader.parse("name: f\nspace:\n  data_fraction: 0.25\n", "f");
        assertEquals(new ParamSpec.Fixed(0.25), underSpace.space().get(Hyperparameter.DATA_FRACTION.name()));
        assertEquals(new ParamSpec.Fixed(1.0), SpecLoader.parse("name: f\n", "f").space()
                .get(Hyperparameter.DATA_FRACTION.name()));
    }

    @Test
    void resolvesALocalDataPathAgainstTheSpecFolder(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("corpus.txt"), "hello world\n");
        Path specFile = dir.resolve("local.yaml");
        Files.writeString(specFile, "name: local\ndata:\n  source: corpus.txt\n");

        SearchSpec spec = SpecLoader.load(specFile);

        assertEquals(dir.resolve("corpus.txt").toAbsolutePath().normalize().toString(), spec.data().source());
        assertFalse(spec.data().isDemo());
        SearchSpec viaUri = SpecLoader.parse("name: uri\ndata:\n  source: " + dir.toUri() + "\n", "inline");
        assertEquals(dir.toAbsolutePath().normalize().toString(), viaUri.data().source());
        SearchSpec remote = SpecLoader.parse("name: remote\ndata:\n  source: hdfs://nn:8020/corpus\n", "inline");
        assertEquals("hdfs://nn:8020/corpus", remote.data().source());
    }

    static Stream<Arguments> brokenSpecs() {
        return Stream.of(
                Arguments.of("unknown key", "name: t\nbudget:\n  max_trial: 5\n", 3,
                        "unknown key 'max_trial' in budget; did you mean 'max_trials'?"),
                Arguments.of("unknown top-level key", "name: t\nbuget:\n  max_trials: 5\n", 2,
                        "did you mean 'budget'?"),
                Arguments.of("hyperparameter outside space", "name: t\nlearning_rate: 0.1\n", 2,
                        "belongs under 'space:'"),
                Arguments.of("wrong type", "name: t\nbudget:\n  max_trials: lots\n", 3,
                        "max_trials must be a finite number, got 'lots'"),
                Arguments.of("section of wrong type", "name: t\ntraining: 4\n", 2, "training must be a mapping"),
                Arguments.of("unknown outer optimizer", "name: t\ntraining:\n  outer_optimizer: nesterv\n", 3,
                        "unknown outer_optimizer 'nesterv'; did you mean 'nesterov'?"),
                Arguments.of("outer setting plain averaging has not", "name: t\ntraining:\n  outer_optimizer:\n"
                        + "    type: average\n    momentum: 0.9\n", 5,
                        "outer_optimizer.momentum applies only to type: nesterov"),
                Arguments.of("outer momentum of 1", "name: t\ntraining:\n  outer_optimizer: {type: nesterov, "
                        + "momentum: 1}\n", 3, "outer_optimizer.momentum must be in [0, 1), got '1'"),
                Arguments.of("outer learning rate 0", "name: t\ntraining:\n  outer_optimizer: {type: nesterov, "
                        + "learning_rate: 0}\n", 3, "outer_optimizer.learning_rate must be in (0, 10], got '0'"),
                Arguments.of("outer optimizer without type", "name: t\ntraining:\n  outer_optimizer: "
                        + "{momentum: 0.5}\n", 3, "missing required key 'type'"),
                Arguments.of("unknown outer key", "name: t\ntraining:\n  outer_optimizer: {type: nesterov, "
                        + "lr: 0.5}\n", 3, "unknown key 'lr'"),
                Arguments.of("missing name", "seed: 1\n", 1, "missing required key 'name'"),
                Arguments.of("bad name", "name: 'my search'\n", 1, "name must be 1 to 100"),
                Arguments.of("duplicate key", "name: a\nseed: 1\nseed: 2\n", 3, "duplicate key 'seed'"),
                Arguments.of("min > max", "name: t\nspace:\n  dropout: {uniform: [0.3, 0.1]}\n", 3,
                        "range min 0.3 > max 0.1"),
                Arguments.of("log min <= 0", "name: t\nspace:\n  weight_decay: {log_uniform: [0, 0.01]}\n", 3,
                        "log_uniform needs min > 0"),
                Arguments.of("int range of non-integers", "name: t\nspace:\n  layers: {int: [1, 2.5]}\n", 3,
                        "must be a whole number, got '2.5'"),
                Arguments.of("empty choice", "name: t\nspace:\n  width: {choice: []}\n", 3,
                        "choice needs at least one value"),
                Arguments.of("repeated choice", "name: t\nspace:\n  width: {choice: [32, 32]}\n", 3,
                        "choice lists 32 twice"),
                Arguments.of("bare list", "name: t\nspace:\n  width: [32, 64]\n", 3, "a bare list is ambiguous"),
                Arguments.of("two forms", "name: t\nspace:\n  width: {int: [1, 2], choice: [3]}\n", 3,
                        "needs exactly one of"),
                Arguments.of("unknown form", "name: t\nspace:\n  learning_rate: {loguniform: [0.001, 0.01]}\n", 3,
                        "did you mean 'log_uniform'?"),
                Arguments.of("real range on an integer", "name: t\nspace:\n  width: {uniform: [16, 64]}\n", 3,
                        "width is not a real-valued hyperparameter"),
                Arguments.of("unknown hyperparameter", "name: t\nspace:\n  widht: 64\n", 3,
                        "unknown key 'widht' in space; did you mean 'width'?"),
                Arguments.of("unknown enum value", "name: t\nspace:\n  optimizer: adamw\n", 3,
                        "unknown optimizer 'adamw'; did you mean 'adam'?"),
                Arguments.of("illegal value", "name: t\nspace:\n  dropout: {choice: [0.0, 1.0]}\n", 3,
                        "dropout must be in [0, 1)"),
                Arguments.of("huge width", "name: t\nspace:\n  width: 100000\n", 3, "width must be <= 8192"),
                Arguments.of("huge heads", "name: t\nspace:\n  heads: {choice: [4, 512]}\n", 3,
                        "heads must be <= 256"),
                Arguments.of("huge max_trials", "name: t\nbudget:\n  max_trials: 200000\n", 3,
                        "max_trials must be in [1, 100000]"),
                Arguments.of("unknown hyperparameter in constraint", "name: t\nconstraints:\n  - hedas <= layers\n",
                        3, "unknown hyperparameter 'hedas' in constraint 'hedas <= layers'; did you mean 'heads'?"),
                Arguments.of("unreadable constraint", "name: t\nconstraints:\n  - width heads\n", 3,
                        "cannot read constraint 'width heads'"),
                Arguments.of("modulo misuse", "name: t\nconstraints:\n  - width % heads > 1\n", 3,
                        "'%' only works as 'a % b == 0'"),
                Arguments.of("infeasible width and heads",
                        "name: t\nspace:\n  width: {choice: [30, 50]}\n  heads: {choice: [4, 8]}\n", 2,
                        "no combination of width, heads satisfies width % heads == 0"),
                Arguments.of("infeasible constraints",
                        "name: t\nspace:\n  heads: {choice: [1, 2]}\nconstraints:\n  - heads > layers\n", 4,
                        "the space is infeasible"),
                Arguments.of("condition on an unknown hyperparameter",
                        "name: t\nspace:\n  width: {choice: [32, 64]}\n  heads: {choice: [2, 4], when: {widht: [64]}}\n", 4,
                        "unknown key 'widht' in heads when; did you mean 'width'?"),
                Arguments.of("condition on a fixed hyperparameter",
                        "name: t\nspace:\n  heads: {choice: [2, 4], when: {width: [64]}}\n", 3,
                        "heads: when needs a parent written as {choice: [...]} of two or more values; width is fixed at 64"),
                Arguments.of("condition on a range",
                        "name: t\nspace:\n  layers: {int: [1, 2]}\n  heads: {choice: [2, 4], when: {layers: [2]}}\n", 4,
                        "layers is a range"),
                Arguments.of("condition on a value the parent never takes",
                        "name: t\nspace:\n  width: {choice: [32, 64]}\n  heads: {choice: [2, 4], when: {width: [48]}}\n", 4,
                        "heads: width has no choice 48; its choices are [32, 64]"),
                Arguments.of("condition that always holds",
                        "name: t\nspace:\n  width: {choice: [32, 64]}\n  heads: {choice: [2, 4], when: {width: [32, 64]}}\n", 4,
                        "the condition holds for every choice of width; drop when"),
                Arguments.of("condition on itself",
                        "name: t\nspace:\n  heads: {choice: [2, 4], when: {heads: [2]}}\n", 3,
                        "cannot depend on itself"),
                Arguments.of("nested conditions",
                        "name: t\nspace:\n  schedule: {choice: [constant, cosine]}\n"
                                + "  width: {choice: [32, 64], when: {schedule: [cosine]}}\n"
                                + "  heads: {choice: [2, 4], when: {width: [64]}}\n", 5,
                        "heads: width is conditional itself; conditions nest one level only"),
                Arguments.of("condition with two parents",
                        "name: t\nspace:\n  width: {choice: [32, 64]}\n  heads: {choice: [2, 4], when: {width: [64], layers: [2]}}\n", 4,
                        "when names exactly one hyperparameter"),
                Arguments.of("otherwise without when",
                        "name: t\nspace:\n  heads: {choice: [2, 4], otherwise: 2}\n", 3,
                        "heads: otherwise applies only with when"),
                Arguments.of("illegal otherwise",
                        "name: t\nspace:\n  width: {choice: [32, 64]}\n  dropout: {uniform: [0.0, 0.2], when: {width: [64]}, otherwise: 1.5}\n", 4,
                        "dropout must be in [0, 1)"),
                Arguments.of("infeasible only through a condition",
                        "name: t\nspace:\n  schedule: {choice: [constant, linear]}\n"
                                + "  warmup_steps: {int: [5, 9], when: {schedule: [linear]}, otherwise: 0}\n"
                                + "constraints:\n  - warmup_steps < 5\n  - warmup_steps > 0\n", 5,
                        "no combination of warmup_steps, schedule, width, heads satisfies"),
                Arguments.of("bad duration", "name: t\nbudget:\n  max_wall_time: 30 minutes\n", 3,
                        "bad duration '30 minutes'"),
                Arguments.of("duration without unit", "name: t\nbudget:\n  max_wall_time: 3600\n", 3,
                        "bad duration '3600'"),
                Arguments.of("unknown strategy", "name: t\nstrategy:\n  type: grdi\n", 3,
                        "unknown strategy 'grdi'; did you mean 'grid'?"),
                Arguments.of("gamma out of range", "name: t\nstrategy:\n  type: tpe\n  gamma: 1.5\n", 4,
                        "gamma must be in (0, 1), got 1.5"),
                Arguments.of("unknown pruner", "name: t\npruner:\n  type: ahsa\n", 3,
                        "unknown pruner 'ahsa'; did you mean 'asha'?"),
                Arguments.of("reduction factor too small", "name: t\npruner:\n  type: asha\n  reduction_factor: 1\n",
                        4, "reduction_factor"),
                Arguments.of("unknown pruner key", "name: t\npruner:\n  type: median\n  warmup: 10\n", 4,
                        "unknown key 'warmup'"),
                Arguments.of("misspelt hyperband", "name: t\npruner:\n  type: hyperbnad\n", 3,
                        "unknown pruner 'hyperbnad'; did you mean 'hyperband'?"),
                Arguments.of("more brackets than fit", "name: t\nbudget:\n  max_steps_per_trial: 100\npruner:\n"
                        + "  type: hyperband\n  min_steps: 10\n  brackets: 4\n", 7, "brackets 4 is more than fit:"
                        + " bracket b starts at min_steps * reduction_factor^b = 10 * 3^b steps, at most"
                        + " max_steps_per_trial 100, so at most 3"),
                Arguments.of("default min_steps leaves fewer brackets", "name: t\nbudget: {max_steps_per_trial: 200}\n"
                        + "training: {eval_every: 50}\npruner: {type: hyperband, reduction_factor: 2, brackets: 4}\n",
                        4, "= 50 * 2^b steps, at most max_steps_per_trial 200, so at most 3"),
                Arguments.of("negative brackets", "name: t\npruner:\n  type: hyperband\n  brackets: -1\n", 4,
                        "brackets must be in [0, 30]"),
                Arguments.of("hyperband's first rung past the budget", "name: t\nbudget:\n  max_steps_per_trial: 100\n"
                        + "pruner:\n  type: hyperband\n  min_steps: 150\n", 6,
                        "hyperband's first rung, min_steps 150, is past max_steps_per_trial 100"),
                Arguments.of("grid too large", "name: t\nstrategy:\n  type: grid\n  grid_points: 1000\nspace:\n"
                        + "  learning_rate: {uniform: [0.001, 0.01]}\n  dropout: {uniform: [0.0, 0.5]}\n", 2,
                        "grid search over this space has 1000000 points"),
                Arguments.of("eval never reached", "name: t\nbudget:\n  max_steps_per_trial: 100\n"
                        + "training:\n  eval_every: 500\n", 5, "eval_every 500 exceeds max_steps_per_trial 100"),
                Arguments.of("validation fraction", "name: t\ndata:\n  validation_fraction: 0.9\n", 3,
                        "validation_fraction must be in (0, 0.5]"),
                Arguments.of("data fraction above 1", "name: t\ndata:\n  fraction: 1.5\n", 3,
                        "data_fraction must be in (0, 1], got 1.5"),
                Arguments.of("data fraction range from 0", "name: t\ndata:\n  fraction: {uniform: [0, 0.5]}\n", 3,
                        "data_fraction"),
                Arguments.of("data fraction twice", "name: t\ndata:\n  fraction: 0.5\nspace:\n  data_fraction: 0.5\n",
                        3, "data.fraction and space.data_fraction are the same setting; write it once"),
                Arguments.of("missing data path", "name: t\ndata:\n  source: /no/such/corpus.txt\n", 3,
                        "data.source /no/such/corpus.txt does not exist"),
                Arguments.of("malformed YAML", "name: t\nspace:\n  width: {choice: [32, 64}\n", 3, "malformed YAML"),
                Arguments.of("not a mapping", "- name: t\n", 1, "the spec must be a mapping"),
                Arguments.of("empty", "# nothing here\n", 1, "the spec is empty"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenSpecs")
    void reportsWhereAndWhatIsWrong(String description, String yaml, int line, String reason) {
        SpecException e = assertThrows(SpecException.class, () -> SpecLoader.parse(yaml, "broken.yaml"));

        assertTrue(e.getMessage().startsWith("broken.yaml:" + line + ":"), e.getMessage());
        assertTrue(e.getMessage().contains(reason), e.getMessage());
        assertEquals(line, e.line());
        assertTrue(e.column() >= 1);
    }

    @Test
    void reportsAnUnreadableFile(@TempDir Path dir) {
        Path missing = dir.resolve("missing.yaml");

        SpecException e = assertThrows(SpecException.class, () -> SpecLoader.load(missing));

        assertTrue(e.getMessage().startsWith(missing + ":1:1: cannot read the spec"), e.getMessage());
    }
}
