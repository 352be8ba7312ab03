package io.hpo.space.spec;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Malformed and hostile specs: each fails fast with a {@link SpecException} naming the file, the line and the
 * reason; none may hang, exhaust memory or escape as another exception.
 */
class HostileSpecTest {

    static Stream<Arguments> hostileTexts() {
        return Stream.of(
                // unknown keys at every level
                Arguments.of("unknown top-level section", "name: t\nmodel:\n  width: 64\n", 2,
                        "unknown key 'model' in the spec"),
                Arguments.of("unknown data key", "name: t\ndata:\n  sourse: demo\n", 3,
                        "unknown key 'sourse' in data; did you mean 'source'?"),
                Arguments.of("unknown strategy key", "name: t\nstrategy:\n  type: tpe\n  gama: 0.2\n", 4,
                        "unknown key 'gama' in strategy; did you mean 'gamma'?"),
                Arguments.of("multivariate not a boolean", "name: t\nstrategy:\n  type: tpe\n  multivariate: yes please\n",
                        4, "multivariate must be true or false, got 'yes please'"),
                Arguments.of("multi_fidelity not a boolean", "name: t\nstrategy:\n  type: gp\n  multi_fidelity: 30\n",
                        4, "multi_fidelity must be true or false, got '30'"),
                Arguments.of("unknown pruner key", "name: t\npruner:\n  type: asha\n  rungs: 3\n", 4,
                        "unknown key 'rungs' in pruner"),
                Arguments.of("unknown cost key", "name: t\ncost:\n  device_wats: 300\n", 3,
                        "unknown key 'device_wats' in cost; did you mean 'device_watts'?"),
                Arguments.of("misspelt spend budget", "name: t\nbudget:\n  max_tokns: 2\n", 3,
                        "unknown key 'max_tokns' in budget; did you mean 'max_tokens'?"),
                Arguments.of("negative price", "name: t\ncost:\n  price_per_hour: -1\n", 3,
                        "price_per_hour must be in [0, 1000000], got '-1'"),
                Arguments.of("text for watts", "name: t\ncost: {device_watts: lots}\n", 2,
                        "device_watts must be a finite number, got 'lots'"),
                Arguments.of("zero spend budget", "name: t\nbudget:\n  max_tokens: 0\n", 3,
                        "max_tokens must be in (0, 1E+30], got '0'"),
                Arguments.of("spend budget past its limit", "name: t\nbudget:\n  max_flops: 1e31\n", 3,
                        "max_flops must be in (0, 1E+30], got '1e31'"),
                Arguments.of("infinite cost budget", "name: t\nbudget:\n  max_cost: .inf\n", 3,
                        "max_cost must be a finite number"),
                Arguments.of("unknown budget key", "name: t\nbudget:\n  max_steps: 10\n", 3,
                        "unknown key 'max_steps' in budget"),
                Arguments.of("unknown training key", "name: t\ntraining:\n  worker: 2\n", 3,
                        "unknown key 'worker' in training; did you mean 'workers'?"),
                Arguments.of("unknown parameter form key", "name: t\nspace:\n  width: {choise: [32, 64]}\n", 3,
                        "unknown key 'choise' in width; did you mean 'choice'?"),
                // impossible ranges
                Arguments.of("low > high", "name: t\nspace:\n  learning_rate: {uniform: [0.1, 0.01]}\n", 3,
                        "learning_rate: range min 0.1 > max 0.01"),
                Arguments.of("log-uniform from a negative", "name: t\nspace:\n"
                        + "  learning_rate: {log_uniform: [-0.1, 0.01]}\n", 3, "log_uniform needs min > 0"),
                Arguments.of("int range without an integer", "name: t\nspace:\n  layers: {int: [1.5, 1.7]}\n", 3,
                        "layers int range must be a whole number, got '1.5'"),
                Arguments.of("empty choice list", "name: t\nspace:\n  heads: {choice: []}\n", 3,
                        "heads: choice needs at least one value"),
                Arguments.of("range with one end", "name: t\nspace:\n  dropout: {uniform: [0.1]}\n", 3,
                        "uniform range needs [min, max], got 1 value(s)"),
                // huge values
                Arguments.of("max_trials 1e12", "name: t\nbudget:\n  max_trials: 1e12\n", 3,
                        "max_trials must be in [1, 100000], got '1e12'"),
                Arguments.of("width 10^9", "name: t\nspace:\n  width: 1000000000\n", 3, "width must be <= 8192"),
                Arguments.of("layers 10^6", "name: t\nspace:\n  layers: {int: [1, 1000000]}\n", 3,
                        "layers must be <= 64"),
                Arguments.of("batch size 10^5", "name: t\nspace:\n  batch_size: {choice: [16, 100000]}\n", 3,
                        "batch_size must be <= 4096"),
                Arguments.of("a batch that cannot fit in memory", "name: t\nspace:\n  batch_size: 4096\n"
                        + "  seq_length: 4096\n", 2, "needs about 12,640 GiB to train, more than the 64 GiB one trial may use"),
                Arguments.of("steps past Long", "name: t\nbudget:\n"
                        + "  max_steps_per_trial: 99999999999999999999999\n", 3,
                        "max_steps_per_trial must be in [1, 10000000]"),
                Arguments.of("seed past Long", "name: t\nseed: 99999999999999999999\n", 2, "seed must be in ["),
                Arguments.of("exponent past double", "name: t\nspace:\n  learning_rate: 1.0e999999\n", 3,
                        "learning_rate is too large, got '1.0e999999'"),
                Arguments.of("exponent past BigDecimal", "name: t\nbudget:\n  max_trials: 1e99999999999\n", 3,
                        "max_trials must be a finite number"),
                Arguments.of("a 10 MB string", "name: t\ndata:\n  source: " + "x".repeat(10 << 20) + "\n", 1,
                        "longer than the 1048576 characters a spec may have"),
                Arguments.of("a long unknown key", "name: t\n" + "k".repeat(100_000) + ": 1\n", 2,
                        "malformed YAML"),
                Arguments.of("a long name", "name: " + "n".repeat(100_000) + "\n", 1, "(100000 characters)"),
                Arguments.of("a long constraint", "name: t\nconstraints:\n  - " + "heads + ".repeat(10_000)
                        + "\n", 3, "a constraint has at most 200 characters"),
                Arguments.of("deeply nested YAML", "name: t\nspace: " + "[".repeat(10_000) + "]".repeat(10_000)
                        + "\n", 1, "nested deeper than 50 levels"),
                Arguments.of("billion laughs", billionLaughs(), 1, "more than 50 aliases"),
                Arguments.of("recursive alias", "name: t\nspace: &a\n  width: *a\n", 3, "unknown key 'width' in width"),
                // wrong types
                Arguments.of("text where a number", "name: t\ntraining:\n  workers: two\n", 3,
                        "workers must be a finite number, got 'two'"),
                Arguments.of("list where a mapping", "name: t\nbudget: [1, 2]\n", 2,
                        "budget must be a mapping of keys to values, got a list"),
                Arguments.of("mapping where a number", "name: t\nseed: {a: 1}\n", 2,
                        "seed must be a number, got a mapping"),
                Arguments.of("boolean where a number", "name: t\nbudget:\n  max_trials: yes\n", 3,
                        "max_trials must be a number, got 'yes'"),
                Arguments.of("boolean hyperparameter", "name: t\nspace:\n  dropout: true\n", 3,
                        "dropout must be a number, got 'true'"),
                Arguments.of("mapping as constraints", "name: t\nconstraints: {heads: layers}\n", 2,
                        "constraints must be a list, got a mapping"),
                Arguments.of("list as name", "name: [a, b]\n", 1, "name must be a text value, got a list"),
                // duplicate keys
                Arguments.of("duplicate hyperparameter", "name: t\nspace:\n  width: 32\n  width: 64\n", 4,
                        "duplicate key 'width' in space"),
                Arguments.of("duplicate section", "name: t\nbudget: {}\nbudget: {}\n", 3,
                        "duplicate key 'budget' in the spec"),
                // NaN, Infinity, negatives
                Arguments.of("NaN learning rate", "name: t\nspace:\n  learning_rate: .nan\n", 3,
                        "learning_rate must be a finite number, got '.nan'"),
                Arguments.of("infinite range end", "name: t\nspace:\n  dropout: {uniform: [0.0, .inf]}\n", 3,
                        "must be a finite number, got '.inf'"),
                Arguments.of("NaN fraction", "name: t\ndata:\n  validation_fraction: .NaN\n", 3,
                        "validation_fraction must be a finite number"),
                Arguments.of("negative trials", "name: t\nbudget:\n  max_trials: -5\n", 3,
                        "max_trials must be in [1, 100000], got '-5'"),
                Arguments.of("negative width", "name: t\nspace:\n  width: -64\n", 3, "width must be"),
                Arguments.of("negative learning rate", "name: t\nspace:\n  learning_rate: -0.01\n", 3,
                        "learning_rate must be"),
                Arguments.of("negative wall time", "name: t\nbudget:\n  max_wall_time: -5m\n", 3,
                        "bad duration '-5m'"),
                Arguments.of("zero eval batches", "name: t\ntraining:\n  eval_batches: 0\n", 3,
                        "eval_batches must be in [1, 100000], got '0'"),
                // fine-tuning keys
                Arguments.of("a misspelt demo task", "name: t\ndata:\n  demo_task: negatoin\n", 3,
                        "demo_task must be one of question_formation, negation, got 'negatoin'; did you mean 'negation'?"),
                Arguments.of("frozen blocks without a checkpoint", "name: t\nspace:\n  frozen_blocks: {int: [0, 1]}\n",
                        3, "frozen_blocks applies only to a search that starts from a checkpoint"),
                Arguments.of("feature extraction without a checkpoint",
                        "name: t\nspace:\n  fine_tune_mode: feature_extraction\n", 3,
                        "fine_tune_mode applies only to a search that starts from a checkpoint"),
                Arguments.of("frozen blocks past the layer limit", "name: t\nspace:\n  frozen_blocks: 100\n", 3,
                        "frozen_blocks must be <= 64"),
                Arguments.of("an unknown save policy", "name: t\ncheckpoints:\n  save: sometimes\n", 3,
                        "checkpoints.save must be one of best, all, none, got 'sometimes'"),
                Arguments.of("checkpoints on object storage", "name: t\ncheckpoints:\n  dir: s3a://bucket/ckpt\n", 3,
                        "checkpoints.dir must be a local or mounted path"),
                Arguments.of("init with both a file and a trial", "name: t\ninit:\n  checkpoint: a.zip\n"
                        + "  from_trial: s/t\n", 3, "init needs exactly one of checkpoint or from_trial"),
                Arguments.of("from_trial escaping the folder", "name: t\ninit:\n  from_trial: ../../etc/passwd\n", 3,
                        "init.from_trial must be SEARCH_ID/TRIAL_ID"),
                Arguments.of("an unknown init key", "name: t\ninit:\n  checkpont: a.zip\n", 3,
                        "unknown key 'checkpont' in init; did you mean 'checkpoint'?"),
                // not YAML at all
                Arguments.of("a NUL byte", "name: t\nseed: 1\u0000\n", 2, "special characters are not allowed"),
                Arguments.of("a tab for indentation", "name: t\nbudget:\n\tmax_trials: 3\n", 3, "malformed YAML"),
                Arguments.of("blank", "   \n\n", 1, "the spec is empty"));
    }

    /** Nine levels of nine aliases each: 9^9 references if the document were expanded. */
    private static String billionLaughs() {
        StringBuilder yaml = new StringBuilder("name: t\nlol0: &l0 [lol]\n");
        for (int level = 1; level <= 9; level++) {
            yaml.append("lol").append(level).append(": &l").append(level).append(" [");
            for (int i = 0; i < 9; i++) {
                yaml.append(i == 0 ? "" : ", ").append("*l").append(level - 1);
            }
            yaml.append("]\n");
        }
        return yaml.toString();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostileTexts")
    void hostileTextFailsWithLineAndReason(String description, String yaml, int line, String reason) {
        SpecException e = assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> assertThrows(SpecException.class, () -> SpecLoader.parse(yaml, "hostile.yaml")));

        assertTrue(e.getMessage().startsWith("hostile.yaml:" + line + ":"), e.getMessage());
        assertTrue(e.reason().contains(reason), e.getMessage());
        assertEquals(line, e.line(), e.getMessage());
        assertTrue(e.column() >= 1);
        assertTrue(e.getMessage().length() < 1000, "the message quotes at most a bounded excerpt");
    }

    interface FileMaker {
        Path make(Path dir) throws IOException;
    }

    static Stream<Arguments> hostileFiles() {
        return Stream.of(
                Arguments.of("empty file", (FileMaker) dir -> Files.write(dir.resolve("s.yaml"), new byte[0]),
                        "the spec is empty"),
                Arguments.of("binary garbage", (FileMaker) dir -> {
                    byte[] bytes = new byte[4096];
                    new Random(1).nextBytes(bytes);
                    return Files.write(dir.resolve("s.yaml"), bytes);
                }, "the spec is not UTF-8 text"),
                Arguments.of("Latin-1 text", (FileMaker) dir -> Files.write(dir.resolve("s.yaml"),
                        "name: caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1)), "the spec is not UTF-8 text"),
                Arguments.of("a directory", (FileMaker) dir -> Files.createDirectory(dir.resolve("s.yaml")),
                        "is a directory, not a spec file"),
                Arguments.of("a missing file", (FileMaker) dir -> dir.resolve("s.yaml"), "no such file"),
                Arguments.of("a file over the size limit", (FileMaker) dir -> Files.writeString(dir.resolve("s.yaml"),
                        "name: t\n" + "#".repeat(2 << 20) + "\n"), "bytes, more than the 1048576 a spec may have"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostileFiles")
    void hostileFileFailsWithItsNameAndReason(String description, FileMaker maker, String reason,
                                               @TempDir Path dir) throws IOException {
        Path file = maker.make(dir);

        SpecException e = assertThrows(SpecException.class, () -> SpecLoader.load(file));

        assertTrue(e.getMessage().startsWith(file + ":1:1: "), e.getMessage());
        assertTrue(e.reason().contains(reason), e.getMessage());
    }

    @Test
    void aUtf8ByteOrderMarkIsNotAnError(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("bom.yaml"), "\uFEFFname: bom\n");

        assertEquals("bom", SpecLoader.load(file).name());
    }
}
