package io.hpo.worker.checkpoint;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Replaces a file in one step: the new content goes to a hidden temporary file in the target's folder, is forced to
 * disk, and only then renamed over the target. A reader finds the old file or the new one whole, never a part, and a
 * failure leaves the old one as it was.
 */
final class AtomicFile {

    /** Writes the new content into the given (empty) temporary file. */
    @FunctionalInterface
    interface Content {
        void writeTo(Path staged) throws IOException;
    }

    private AtomicFile() {
    }

    static void replace(Path target, Content content) throws IOException {
        Path folder = target.toAbsolutePath().getParent();
        Files.createDirectories(folder);
        Path staged = Files.createTempFile(folder, "." + target.getFileName(), ".tmp");
        try {
            content.writeTo(staged);
            try (FileChannel channel = FileChannel.open(staged, StandardOpenOption.WRITE)) {
                channel.force(true);
            }
            Files.move(staged, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            deleteQuietly(staged);
        }
    }

    static void deleteQuietly(Path p) {
        if (p == null) {
            return;
        }
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            // a leftover hidden temp file costs disk space only; the target is already in place or intact
        }
    }
}
