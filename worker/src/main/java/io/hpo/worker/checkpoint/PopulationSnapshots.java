package io.hpo.worker.checkpoint;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hpo.events.TrialStatus;
import io.hpo.space.Hyperparameters;
import io.hpo.space.checkpoint.CheckpointException;
import io.hpo.space.spec.CheckpointsSpec;
import io.hpo.worker.trial.ModelState;
import io.hpo.worker.trial.TrainingResult;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A pbt search's population at its latest interval boundary (each member's parameters, Adam state and outer
 * optimizer state, hyperparameters, result and losses), in its checkpoint folder
 * ({@code dir/SEARCH/population.snapshot}): what a resumed driver goes on from. One file holds the whole boundary
 * and replaces the previous one by an atomic rename, so a reader sees one boundary complete or none, and the disk
 * holds one population's states whatever the number of intervals.
 */
public final class PopulationSnapshots {
    static final String FILE = "population.snapshot";
    /** Opens and ends the file: a file that lacks either was not written by this class. */
    private static final int MAGIC = 0x48504f50;
    private static final int VERSION = 1;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;

    public PopulationSnapshots(CheckpointsSpec spec, String searchId) {
        this.file = Path.of(spec.dir(), searchId, FILE);
    }

    /**
     * One member at the boundary, before the exploits there.
     *
     * @param attempt     the attempt it trains as (its steps' key in the store)
     * @param result      its result up to the boundary
     * @param evaluations its validation losses up to the boundary, by step
     */
    public record Member(String trialId, int attempt, Hyperparameters hyperparameters, ModelState state,
                         TrainingResult result, NavigableMap<Long, Double> evaluations) {
    }

    /** The members alive at {@code step}, in the population's order. */
    public record Snapshot(long step, List<Member> members) {
    }

    public Path file() {
        return file;
    }

    /** Replaces the saved boundary with {@code snapshot}; on failure the earlier one stays as it was. */
    public void save(Snapshot snapshot) {
        try {
            AtomicFile.replace(file, staged -> {
                try (OutputStream os = Files.newOutputStream(staged);
                     DataOutputStream out = new DataOutputStream(new BufferedOutputStream(os))) {
                    write(snapshot, out);
                }
            });
        } catch (IOException e) {
            throw new CheckpointException("cannot save the population at step " + snapshot.step() + " to " + file
                    + ": " + e.getMessage());
        }
    }

    /** The saved boundary; empty when none was saved (or it was removed once the search ended). */
    public Optional<Snapshot> read() {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
            return Optional.of(read(in));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            throw new CheckpointException("cannot read the population snapshot " + file + ": " + e.getMessage());
        }
    }

    /** Once the population has ended nothing resumes from it: its states need no disk. */
    public void remove() {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new CheckpointException("cannot remove the population snapshot " + file + ": " + e.getMessage());
        }
    }

    private static void write(Snapshot s, DataOutputStream out) throws IOException {
        out.writeInt(MAGIC);
        out.writeInt(VERSION);
        out.writeLong(s.step());
        out.writeInt(s.members().size());
        for (Member m : s.members()) {
            out.writeUTF(m.trialId());
            out.writeInt(m.attempt());
            byte[] config = JSON.writeValueAsBytes(m.hyperparameters().toMap());
            out.writeInt(config.length);
            out.write(config);
            TrainingResult r = m.result();
            out.writeUTF(r.outcome().name());
            out.writeLong(r.steps());
            out.writeLong(r.tokensSeen());
            out.writeDouble(r.bestValLoss());
            out.writeLong(r.bestStep());
            out.writeLong(r.tokensAtBest());
            out.writeLong(r.wallTimeMs());
            out.writeInt(m.evaluations().size());
            for (Map.Entry<Long, Double> e : m.evaluations().entrySet()) {
                out.writeLong(e.getKey());
                out.writeDouble(e.getValue());
            }
            Nd4j.write(m.state().params(), out);
            writeOptional(m.state().updaterState(), out);
            writeOptional(m.state().outerState(), out);
        }
        out.writeInt(MAGIC);
    }

    private static Snapshot read(DataInputStream in) throws IOException {
        if (in.readInt() != MAGIC || in.readInt() != VERSION) {
            throw new IOException("not a population snapshot of version " + VERSION);
        }
        long step = in.readLong();
        int count = in.readInt();
        List<Member> members = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String trialId = in.readUTF();
            int attempt = in.readInt();
            byte[] config = new byte[in.readInt()];
            in.readFully(config);
            Hyperparameters hp = Hyperparameters.fromMap(JSON.readValue(config,
                    new TypeReference<Map<String, Object>>() { }));
            TrainingResult result = new TrainingResult(TrialStatus.valueOf(in.readUTF()), in.readLong(),
                    in.readLong(), in.readDouble(), in.readLong(), in.readLong(), null, in.readLong());
            NavigableMap<Long, Double> evaluations = new TreeMap<>();
            for (int n = in.readInt(); n > 0; n--) {
                evaluations.put(in.readLong(), in.readDouble());
            }
            INDArray params = Nd4j.read(in);
            INDArray updater = in.readBoolean() ? Nd4j.read(in) : null;
            INDArray outer = in.readBoolean() ? Nd4j.read(in) : null;
            members.add(new Member(trialId, attempt, hp, new ModelState(params, updater, outer), result,
                    evaluations));
        }
        if (in.readInt() != MAGIC) {
            throw new IOException("the file ends early");
        }
        return new Snapshot(step, List.copyOf(members));
    }

    private static void writeOptional(INDArray array, DataOutputStream out) throws IOException {
        out.writeBoolean(array != null);
        if (array != null) {
            Nd4j.write(array, out);
        }
    }
}
