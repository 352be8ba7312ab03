package io.hpo.worker.checkpoint;

import io.hpo.space.checkpoint.CheckpointFile;
import io.hpo.space.checkpoint.CheckpointManifest;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
        Path model = null;
        try {
            Path folder = Files.createDirectories(target.toAbsolutePath().getParent());
            model = Files.createTempFile(folder, "." + target.getFileName(), ".model.tmp");
            ModelSerializer.writeModel(net, model.toFile(), false);
            Path written = model;
            AtomicFile.replace(target, staged -> {
                withManifest(written, manifest, staged);
                CheckpointFile.read(staged);
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write checkpoint " + target + ": " + e.getMessage(), e);
        } finally {
            AtomicFile.deleteQuietly(model);
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
}
