package io.hpo.worker.checkpoint;

import io.hpo.space.checkpoint.CheckpointFile;
import io.hpo.space.checkpoint.CheckpointManifest;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * Writes a checkpoint so that no reader ever sees a partial file and an earlier checkpoint at the same path survives
 * any failure: the model goes to a temporary file in the target's folder, is checked by reading it back, forced to
 * disk, and only then renamed over the target in one atomic step.
 */
public final class CheckpointWriter {
    private CheckpointWriter() {
    }

    /** The weights (no optimizer state: fine-tuning starts its own) and {@code manifest}, at {@code target}. */
    public static void write(ComputationGraph net, CheckpointManifest manifest, Path target) {
        Path folder = target.toAbsolutePath().getParent();
        Path model = null;
        Path staged = null;
        try {
            Files.createDirectories(folder);
            String prefix = "." + target.getFileName();
            model = Files.createTempFile(folder, prefix, ".model.tmp");
            staged = Files.createTempFile(folder, prefix, ".tmp");
            ModelSerializer.writeModel(net, model.toFile(), false);
            withManifest(model, manifest, staged);
            CheckpointFile.read(staged);
            try (FileChannel channel = FileChannel.open(staged, StandardOpenOption.WRITE)) {
                channel.force(true);
            }
            Files.move(staged, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write checkpoint " + target + ": " + e.getMessage(), e);
        } finally {
            deleteQuietly(model);
            deleteQuietly(staged);
        }
    }

    /** ModelSerializer closes its zip, so the manifest joins a copy of the entries. */
    private static void withManifest(Path model, CheckpointManifest manifest, Path out) throws IOException {
        try (InputStream in = Files.newInputStream(model);
             ZipInputStream zipIn = new ZipInputStream(in);
             OutputStream os = Files.newOutputStream(out);
             ZipOutputStream zipOut = new ZipOutputStream(os)) {
            for (ZipEntry e; (e = zipIn.getNextEntry()) != null; ) {
                zipOut.putNextEntry(new ZipEntry(e.getName()));
                zipIn.transferTo(zipOut);
                zipOut.closeEntry();
            }
            zipOut.putNextEntry(new ZipEntry(CheckpointManifest.ENTRY));
            zipOut.write(manifest.toText().getBytes(StandardCharsets.ISO_8859_1));
            zipOut.closeEntry();
        }
    }

    private static void deleteQuietly(Path p) {
        if (p == null) {
            return;
        }
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            // a leftover hidden temp file costs disk space only; the checkpoint itself is already in place or intact
        }
    }
}
