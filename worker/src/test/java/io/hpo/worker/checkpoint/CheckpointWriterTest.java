package io.hpo.worker.checkpoint;

import io.hpo.space.Hyperparameters;
import io.hpo.space.Schedule;
import io.hpo.space.checkpoint.CheckpointFile;
import io.hpo.space.checkpoint.CheckpointManifest;
import io.hpo.worker.data.CharTokenizer;
import io.hpo.worker.data.DataException;
import io.hpo.worker.data.QuestionFormationCorpus;
import io.hpo.worker.model.TransformerModel;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import static io.hpo.space.Hyperparameter.BATCH_SIZE;
import static io.hpo.space.Hyperparameter.HEADS;
import static io.hpo.space.Hyperparameter.LAYERS;
import static io.hpo.space.Hyperparameter.MLP_MULTIPLIER;
import static io.hpo.space.Hyperparameter.SCHEDULE;
import static io.hpo.space.Hyperparameter.SEQ_LENGTH;
import static io.hpo.space.Hyperparameter.WARMUP_STEPS;
import static io.hpo.space.Hyperparameter.WIDTH;

class CheckpointWriterTest {
    private static final Hyperparameters HP = Hyperparameters.builder().set(WARMUP_STEPS, 0)
            .set(SCHEDULE, Schedule.CONSTANT).set(BATCH_SIZE, 4).set(LAYERS, 1).set(WIDTH, 16).set(HEADS, 2)
            .set(MLP_MULTIPLIER, 2).set(SEQ_LENGTH, 8).build();
    private static final CharTokenizer VOCABULARY = QuestionFormationCorpus.tokenizer();

    @TempDir
    Path dir;

    private static ComputationGraph model(long seed) {
        return TransformerModel.build(HP, VOCABULARY.vocabSize(), 10, seed);
    }

    private static CheckpointManifest manifest(String trial) {
        return new CheckpointManifest(HP, VOCABULARY.symbols(), "s", trial, 10, 2.5);
    }

    @Test
    void aCheckpointCarriesTheWeightsTheConfigurationAndTheVocabulary() {
        Path target = dir.resolve("s/trial-000.zip");
        ComputationGraph net = model(1);
        CheckpointWriter.write(net, manifest("trial-000"), target);

        CheckpointManifest read = CheckpointFile.read(target);
        assertEquals(manifest("trial-000"), read);
        assertEquals(VOCABULARY, CharTokenizer.fromText(read.vocabulary()));
        ComputationGraph restored = PretrainedModel.fineTune(target, HP, read.vocabSize(), 10, 99);
        assertEquals(net.params(), restored.params());
        assertEquals(List.of(target), files());
    }

    @Test
    void replacingACheckpointSwapsItWholeAndAFailedWriteLeavesTheEarlierOneIntact() throws IOException {
        Path target = dir.resolve("s/trial-001.zip");
        CheckpointWriter.write(model(1), manifest("first"), target);
        CheckpointWriter.write(model(2), manifest("second"), target);
        assertEquals("second", CheckpointFile.read(target).trialId());
        byte[] before = Files.readAllBytes(target);

        // a network whose memory was released cannot be serialised: ModelSerializer fails mid-write
        ComputationGraph broken = model(3);
        broken.close();
        assertThrows(RuntimeException.class, () -> CheckpointWriter.write(broken, manifest("third"), target));

        assertArrayEquals(before, Files.readAllBytes(target));
        assertEquals(List.of(target), files(), "no temporary file is left behind");
    }

    @Test
    void textOutsideTheCheckpointsVocabularyIsRefusedNamingTheCharacters() {
        DataException e = assertThrows(DataException.class,
                () -> VOCABULARY.requireCovers("the dog WILL run\n", "data/x.txt", "checkpoint /c/t.zip"));
        assertTrue(e.getMessage().startsWith("data/x.txt has 3 characters outside the vocabulary of checkpoint"
                + " /c/t.zip (" + (VOCABULARY.vocabSize() - 1) + " symbols): 'I' (U+0049), 'L' (U+004C), 'W' (U+0057)"),
                e.getMessage());
    }

    private List<Path> files() {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile).toList();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
