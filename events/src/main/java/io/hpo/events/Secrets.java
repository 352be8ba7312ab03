package io.hpo.events;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Secret settings (passwords, tokens, SASL configuration): given directly (best through the environment) or as a
 * file, e.g. a mounted Kubernetes secret. Callers never log the values.
 */
public final class Secrets {
    private Secrets() {
    }

    /** The value of {@code key}, else the content of the file named by {@code fileKey}, else empty. */
    public static Optional<String> valueOrFile(Map<String, String> settings, String key, String fileKey) {
        String direct = settings.get(key);
        if (direct != null) {
            return Optional.of(direct);
        }
        String file = settings.get(fileKey);
        return file == null || file.isBlank() ? Optional.empty() : Optional.of(read(fileKey, file));
    }

    /** A secret file's content without its trailing line breaks (editors and {@code echo} add one). */
    public static String read(String fileKey, String file) {
        try {
            return Files.readString(Path.of(file.trim()), StandardCharsets.UTF_8).replaceFirst("[\r\n]+$", "");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + fileKey + " " + file + ": " + e.getMessage(), e);
        }
    }
}
