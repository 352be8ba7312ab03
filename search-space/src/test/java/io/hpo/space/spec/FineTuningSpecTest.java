package io.hpo.space.spec;

import io.hpo.space.FineTuneMode;
import io.hpo.space.Hyperparameter;
import io.hpo.space.Hyperparameters;
import io.hpo.space.checkpoint.CheckpointManifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import static io.hpo.space.Hyperparameter.HEADS;
import static io.hpo.space.Hyperparameter.LEARNING_RATE;
import static io.hpo.space.Hyperparameter.MLP_MULTIPLIER;
import static io.hpo.space.Hyperparameter.SEQ_LENGTH;
import static io.hpo.space.Hyperparameter.WIDTH;

/**
 * Specs that start from a checkpoint: the architecture comes from it, and every way the checkpoint or the spec can
 * disagree fails at load time with the spec's line. The checkpoint files are zips with the entries the loader
 * checks (DL4J's two model entries and hpo's manifest); the worker's tests write and read real ones.
 */
class FineTuningSpecTest {
    /** A 2-block model of width 32, as a question-formation search would save it. */
    private static final Hyperparameters PRETRAINED = Hyperparameters.builder().set(LEARNING_RATE, 3e-3).set(WIDTH, 32)
            .set(HEADS, 2).set(MLP_MULTIPLIER, 2).set(SEQ_LENGTH, 24).build();

    @TempDir
    Path dir;

    private Path checkpoint(String name, List<String> entries) throws IOException {
        Path file = dir.resolve(name);
        Files.createDirectories(file.getParent());
        try (OutputStream out = Files.newOutputStream(file); ZipOutputStream zip = new ZipOutputStream(out)) {
            for (String entry : entries) {
                zip.putNextEntry(new ZipEntry(entry));
                byte[] content = entry.equals(CheckpointManifest.ENTRY)
                        ? new CheckpointManifest(PRETRAINED, " .?abc", "s1", "trial-000", 100, 1.5).toText()
                        .getBytes(StandardCharsets.ISO_8859_1)
                        : ("weights of " + entry).repeat(100).getBytes(StandardCharsets.UTF_8);
                zip.write(content);
                zip.closeEntry();
            }
        }
        return file;
    }

    private Path goodCheckpoint(String name) throws IOException {
        return checkpoint(name, List.of("configuration.json", "coefficients.bin", CheckpointManifest.ENTRY));
    }

    private SearchSpec parse(String yaml) {
        return SpecLoader.parse(yaml, "ft.yaml", dir);
    }

    private SpecException error(String yaml) {
        return assertThrows(SpecException.class, () -> parse(yaml));
    }

    @Test
    void theArchitectureComesFromTheCheckpointAndTheRestIsSearched() throws IOException {
        Path file = goodCheckpoint("pre.zip");
        SearchSpec spec = parse("""
                name: ft
                init:
                  checkpoint: pre.zip
                space:
                  learning_rate: {log_uniform: [1.0e-4, 1.0e-3]}
                  width: 32
                  frozen_blocks: {int: [0, 2]}
                  fine_tune_mode: {choice: [full, feature_extraction]}
                """);
        assertEquals(file.toString(), spec.initial().orElseThrow().checkpoint());
        assertEquals(new ParamSpec.Fixed(2), spec.space().get(Hyperparameter.LAYERS.name()));
        assertEquals(new ParamSpec.Fixed(32), spec.space().get(Hyperparameter.WIDTH.name()));
        assertEquals(new ParamSpec.Fixed(2), spec.space().get(Hyperparameter.HEADS.name()));
        assertEquals(new ParamSpec.Fixed(24), spec.space().get(Hyperparameter.SEQ_LENGTH.name()));
        assertEquals(new ParamSpec.IntRange(0, 2), spec.space().get(Hyperparameter.FROZEN_BLOCKS.name()));
        assertEquals(new ParamSpec.Choice(List.of("full", "feature_extraction")),
                spec.space().get(Hyperparameter.FINE_TUNE_MODE.name()));

        SearchSpec recorded = SpecLoader.parseRecorded(SpecWriter.canonical(spec), "recorded");
        assertEquals(spec.space(), recorded.space());
        assertEquals(spec.initial(), recorded.initial());
        assertEquals(spec.checkpoints(), recorded.checkpoints());
    }

    @Test
    void fromTrialNamesTheTrialsFileUnderTheCheckpointFolder() throws IOException {
        Path file = goodCheckpoint("ckpt/search-1/trial-004.zip");
        SearchSpec spec = parse("name: ft\ncheckpoints:\n  dir: ckpt\n  save: all\ninit:\n  from_trial: search-1/trial-004\n");
        assertEquals(file.toString(), spec.initial().orElseThrow().checkpoint());
        assertEquals(CheckpointPolicy.ALL, spec.checkpoints().policy());
        assertEquals(file, spec.checkpoints().pathOf("search-1", "trial-004"));
    }

    @Test
    void withoutInitNothingIsFrozenAndCheckpointsDefaultToBestUnderTheWorkingDirectory() {
        SearchSpec spec = parse("name: scratch\n");
        assertNull(spec.init());
        assertEquals(CheckpointPolicy.BEST, spec.checkpoints().policy());
        assertEquals(Path.of(SpecDefaults.CHECKPOINT_DIR).toAbsolutePath().normalize().toString(),
                spec.checkpoints().dir());
        assertEquals(new ParamSpec.Fixed(0), spec.space().get(Hyperparameter.FROZEN_BLOCKS.name()));
        assertEquals(new ParamSpec.Fixed("full"), spec.space().get(Hyperparameter.FINE_TUNE_MODE.name()));
        assertEquals(FineTuneMode.FULL, Hyperparameters.defaults().fineTuneMode());
    }

    @Test
    void anArchitectureDifferentFromTheCheckpointsIsRefusedAtItsLine() throws IOException {
        goodCheckpoint("pre.zip");
        SpecException e = error("name: ft\ninit:\n  checkpoint: pre.zip\nspace:\n  width: 64\n");
        assertEquals(5, e.line(), e.getMessage());
        assertTrue(e.reason().startsWith("width 64 differs from the checkpoint's 32 ("), e.getMessage());
        assertTrue(e.reason().contains("leave width out of space"), e.getMessage());

        SpecException range = error("name: ft\ninit:\n  checkpoint: pre.zip\nspace:\n  layers: {int: [1, 2]}\n");
        assertEquals(5, range.line(), range.getMessage());
        assertTrue(range.reason().startsWith("layers as a range or choice differs from the checkpoint's 2"),
                range.getMessage());
    }

    @Test
    void freezingMoreBlocksThanTheCheckpointHasIsRefused() throws IOException {
        goodCheckpoint("pre.zip");
        SpecException e = error("name: ft\ninit:\n  checkpoint: pre.zip\nspace:\n  frozen_blocks: {int: [0, 3]}\n");
        assertEquals(5, e.line(), e.getMessage());
        assertTrue(e.reason().startsWith("frozen_blocks reaches 3, but the checkpoint "), e.getMessage());
        assertTrue(e.reason().endsWith("has 2 layers: at most 2 can be frozen"), e.getMessage());
    }

    @Test
    void aMissingCheckpointOrTrialIsNamed() {
        SpecException file = error("name: ft\ninit:\n  checkpoint: gone.zip\n");
        assertEquals(3, file.line());
        assertTrue(file.reason().equals("init.checkpoint: checkpoint " + dir.resolve("gone.zip") + " does not exist"),
                file.getMessage());

        SpecException trial = error("name: ft\ncheckpoints:\n  dir: ckpt\ninit:\n  from_trial: s9/trial-001\n");
        assertEquals(5, trial.line());
        assertTrue(trial.reason().startsWith("init.from_trial: trial trial-001 of search s9 has no checkpoint at "
                + dir.resolve("ckpt/s9/trial-001.zip")), trial.getMessage());
    }

    @Test
    void corruptAndForeignFilesAreRefusedSayingWhatIsWrong() throws IOException {
        Path good = goodCheckpoint("good.zip");
        byte[] bytes = Files.readAllBytes(good);
        Files.write(dir.resolve("truncated.zip"), Arrays.copyOf(bytes, bytes.length / 2));
        byte[] flipped = bytes.clone();
        flipped[60] ^= 0x5a; // inside the first entry's compressed data
        Files.write(dir.resolve("flipped.zip"), flipped);
        Files.writeString(dir.resolve("text.zip"), "not a zip at all");
        checkpoint("foreign.zip", List.of("configuration.json", "coefficients.bin"));
        checkpoint("partial.zip", List.of("configuration.json", CheckpointManifest.ENTRY));
        Files.createDirectories(dir.resolve("folder.zip"));

        assertReason("truncated.zip", "is corrupt or not a checkpoint (not a valid zip");
        assertReason("flipped.zip", "is corrupt or not a checkpoint (not a valid zip");
        assertReason("text.zip", "is corrupt or not a checkpoint (not a valid zip");
        assertReason("foreign.zip", "has no hpo/manifest.properties: it was not saved by hpo");
        assertReason("partial.zip", "is not a DL4J model checkpoint: it has no coefficients.bin");
        assertReason("folder.zip", "is not a file");
    }

    @Test
    void aCheckpointOfAnOlderManifestFormatIsRefused() throws IOException {
        Path good = goodCheckpoint("good.zip");
        Path old = dir.resolve("format1.zip");
        try (var in = new java.util.zip.ZipFile(good.toFile());
             ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(old))) {
            for (ZipEntry entry : java.util.Collections.list(in.entries())) {
                byte[] content = in.getInputStream(entry).readAllBytes();
                if (entry.getName().equals(CheckpointManifest.ENTRY)) {
                    content = new String(content, StandardCharsets.ISO_8859_1).replace("format=2", "format=1")
                            .getBytes(StandardCharsets.ISO_8859_1);
                }
                zip.putNextEntry(new ZipEntry(entry.getName()));
                zip.write(content);
                zip.closeEntry();
            }
        }
        SpecException e = error("name: ft\ninit:\n  checkpoint: format1.zip\n");
        assertEquals(3, e.line(), e.getMessage());
        assertTrue(e.reason().endsWith(old + ": its manifest has format 1; this build reads format 2"),
                e.getMessage());
    }

    private void assertReason(String file, String reason) {
        SpecException e = error("name: ft\ninit:\n  checkpoint: " + file + "\n");
        assertEquals(3, e.line(), e.getMessage());
        assertTrue(e.reason().startsWith("init.checkpoint: checkpoint " + dir.resolve(file) + " "), e.getMessage());
        assertTrue(e.reason().contains(reason), e.getMessage());
    }
}
