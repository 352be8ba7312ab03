package io.hpo.space.checkpoint;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * Reads a checkpoint's manifest after checking the whole file: every entry is read through to its end, so a
 * truncated or altered file fails on its CRC here, at spec load time, rather than in a trial.
 */
public final class CheckpointFile {
    /** The entries DL4J's ModelSerializer writes for a network's configuration and weights. */
    public static final List<String> MODEL_ENTRIES = List.of("configuration.json", "coefficients.bin");
    private static final int MAX_MANIFEST_BYTES = 1 << 20;
    /** Far above any model a CPU trains; stops a zip bomb from spinning for hours. */
    private static final long MAX_UNCOMPRESSED_BYTES = 64L << 30;

    private CheckpointFile() {
    }

    /** The manifest of {@code file}; every problem is a {@link CheckpointException} that names the file. */
    public static CheckpointManifest read(Path file) {
        if (!Files.exists(file)) {
            throw new CheckpointException(file + " does not exist");
        }
        if (!Files.isRegularFile(file)) {
            throw new CheckpointException(file + " is not a file");
        }
        String manifest = null;
        Set<String> names = new HashSet<>();
        long total = 0;
        try (ZipFile zip = new ZipFile(file.toFile())) {
            Enumeration<? extends ZipEntry> entries = zip.entries();
            byte[] buffer = new byte[1 << 16];
            while (entries.hasMoreElements()) {
                ZipEntry entry = entries.nextElement();
                names.add(entry.getName());
                boolean isManifest = entry.getName().equals(CheckpointManifest.ENTRY);
                StringBuilder text = new StringBuilder();
                try (InputStream in = zip.getInputStream(entry)) {
                    for (int n; (n = in.read(buffer)) > 0; ) {
                        total += n;
                        if (total > MAX_UNCOMPRESSED_BYTES) {
                            throw new CheckpointException(file + " unpacks to more than " + (MAX_UNCOMPRESSED_BYTES >> 30)
                                    + " GiB: not a checkpoint of a model hpo trains");
                        }
                        if (isManifest) {
                            if (text.length() + n > MAX_MANIFEST_BYTES) {
                                throw new CheckpointException(file + ": its manifest is larger than "
                                        + MAX_MANIFEST_BYTES + " bytes");
                            }
                            text.append(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
                        }
                    }
                }
                if (isManifest) {
                    manifest = text.toString();
                }
            }
        } catch (ZipException e) {
            throw new CheckpointException(file + " is corrupt or not a checkpoint (not a valid zip: "
                    + e.getMessage() + ")");
        } catch (IOException e) {
            throw new CheckpointException(file + " cannot be read: " + e);
        }
        for (String required : MODEL_ENTRIES) {
            if (!names.contains(required)) {
                throw new CheckpointException(file + " is not a DL4J model checkpoint: it has no " + required);
            }
        }
        if (manifest == null) {
            throw new CheckpointException(file + " has no " + CheckpointManifest.ENTRY
                    + ": it was not saved by hpo, so its hyperparameters and vocabulary are unknown");
        }
        try {
            return CheckpointManifest.parse(manifest);
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(file + ": " + e.getMessage());
        }
    }
}
