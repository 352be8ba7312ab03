package io.hpo.worker.checkpoint;

import io.hpo.events.TrialStatus;
import io.hpo.space.Hyperparameters;
import io.hpo.space.Schedule;
import io.hpo.space.checkpoint.CheckpointException;
import io.hpo.space.spec.CheckpointPolicy;
import io.hpo.space.spec.CheckpointsSpec;
import io.hpo.worker.data.QuestionFormationCorpus;
import io.hpo.worker.model.TransformerModel;
import io.hpo.worker.trial.ModelState;
import io.hpo.worker.trial.TrainingResult;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

import static io.hpo.space.Hyperparameter.BATCH_SIZE;
import static io.hpo.space.Hyperparameter.HEADS;
import static io.hpo.space.Hyperparameter.LAYERS;
import static io.hpo.space.Hyperparameter.LEARNING_RATE;
import static io.hpo.space.Hyperparameter.MLP_MULTIPLIER;
import static io.hpo.space.Hyperparameter.SCHEDULE;
import static io.hpo.space.Hyperparameter.SEQ_LENGTH;
import static io.hpo.space.Hyperparameter.WARMUP_STEPS;
import static io.hpo.space.Hyperparameter.WIDTH;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A population saved at a boundary reads back exactly (the networks' parameters, Adam and outer state, each member's
 * hyperparameters, result and losses, NaN included); a later boundary replaces it whole, leaving no other file; a
 * cut-off file is refused naming it; none saved (or removed) reads as none.
 */
class PopulationSnapshotsTest {
    private static final Hyperparameters HP = Hyperparameters.builder().set(WARMUP_STEPS, 0)
            .set(SCHEDULE, Schedule.CONSTANT).set(BATCH_SIZE, 4).set(LAYERS, 1).set(WIDTH, 16).set(HEADS, 2)
            .set(MLP_MULTIPLIER, 2).set(SEQ_LENGTH, 8).set(LEARNING_RATE, 3.7e-3).build();

    @Test
    void aBoundaryReadsBackAsSavedAndTheNextReplacesIt(@TempDir Path dir) throws Exception {
        PopulationSnapshots snapshots = new PopulationSnapshots(new CheckpointsSpec(dir.toString(),
                CheckpointPolicy.BEST), "s1");
        assertEquals(Optional.empty(), snapshots.read());

        int vocab = QuestionFormationCorpus.tokenizer().vocabSize();
        ComputationGraph a = TransformerModel.build(HP, vocab, 100, 1);
        ComputationGraph b = TransformerModel.build(HP.with(LEARNING_RATE, 1.1e-2), vocab, 100, 2);
        assertNotNull(a.getUpdater().getStateViewArray(), "Adam keeps state");
        a.getUpdater().getStateViewArray().addi(0.25);
        TreeMap<Long, Double> lossesA = new TreeMap<>();
        lossesA.put(5L, 2.5);
        lossesA.put(10L, 2.25);
        TreeMap<Long, Double> lossesB = new TreeMap<>();
        lossesB.put(5L, Double.NaN);
        INDArray velocity = a.params().mul(0.125);
        PopulationSnapshots.Member first = new PopulationSnapshots.Member("trial-000", 1, HP,
                ModelState.of(a).withOuterState(velocity),
                new TrainingResult(TrialStatus.COMPLETED, 10, 640, 2.25, 10, 640, null, 1234), lossesA);
        PopulationSnapshots.Member second = new PopulationSnapshots.Member("trial-001", 2, HP.with(LEARNING_RATE,
                1.1e-2), new ModelState(b.params(), null),
                new TrainingResult(TrialStatus.COMPLETED, 10, 640, Double.NaN, 0, 0, null, 99), lossesB);
        snapshots.save(new PopulationSnapshots.Snapshot(10, List.of(first, second)));

        PopulationSnapshots.Snapshot read = snapshots.read().orElseThrow();
        assertEquals(10, read.step());
        assertEquals(List.of("trial-000", "trial-001"), read.members().stream()
                .map(PopulationSnapshots.Member::trialId).toList(), "in the population's order");
        PopulationSnapshots.Member readA = read.members().get(0);
        assertEquals(1, readA.attempt());
        assertEquals(HP, readA.hyperparameters());
        assertEquals(a.params(), readA.state().params());
        assertEquals(a.getUpdater().getStateViewArray(), readA.state().updaterState());
        assertEquals(velocity, readA.state().outerState(), "an averaged member's outer momentum");
        assertEquals(first.result(), readA.result());
        assertEquals(lossesA, readA.evaluations());
        PopulationSnapshots.Member readB = read.members().get(1);
        assertEquals(2, readB.attempt());
        assertEquals(1.1e-2, readB.hyperparameters().get(LEARNING_RATE));
        assertEquals(b.params(), readB.state().params());
        assertEquals(null, readB.state().updaterState());
        assertEquals(null, readB.state().outerState());
        assertEquals(second.result(), readB.result(), "a NaN loss reads back as NaN");
        assertEquals(lossesB, readB.evaluations());

        snapshots.save(new PopulationSnapshots.Snapshot(15, List.of(second)));
        assertEquals(15, snapshots.read().orElseThrow().step());
        assertEquals(1, snapshots.read().orElseThrow().members().size());
        try (Stream<Path> files = Files.list(dir.resolve("s1"))) {
            assertEquals(List.of(snapshots.file()), files.toList(), "one boundary, no staged file left");
        }

        byte[] whole = Files.readAllBytes(snapshots.file());
        Files.write(snapshots.file(), java.util.Arrays.copyOf(whole, whole.length - 3));
        CheckpointException cut = assertThrows(CheckpointException.class, snapshots::read);
        assertTrue(cut.getMessage().contains(snapshots.file().toString()), cut.getMessage());

        snapshots.remove();
        assertEquals(Optional.empty(), snapshots.read());
    }
}
