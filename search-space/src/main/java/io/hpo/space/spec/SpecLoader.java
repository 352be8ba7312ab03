package io.hpo.space.spec;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Loads and validates a search spec. Every problem is a {@link SpecException} whose message reads
 * {@code origin:line:column: what is wrong}. The format is documented once, in examples/full.yaml (every key with
 * its default and limits) and docs/spec.md; the defaults live in {@link SpecDefaults} and, for hyperparameters, in
 * {@link io.hpo.space.Hyperparameter}.
 */
public final class SpecLoader {

    private SpecLoader() {
    }

    /** Loads a spec file; a relative data path is resolved against the file's folder. */
    public static SearchSpec load(Path file) {
        String origin = file.toString();
        String text;
        try {
            if (Files.isDirectory(file)) {
                throw new SpecException(origin, 1, 1, "is a directory, not a spec file");
            }
            long size = Files.size(file);
            if (size > SpecLimits.MAX_SPEC_SIZE) {
                throw new SpecException(origin, 1, 1, "the spec is " + size + " bytes, more than the "
                        + SpecLimits.MAX_SPEC_SIZE + " a spec may have");
            }
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new SpecException(origin, 1, 1, "cannot read the spec: no such file");
        } catch (CharacterCodingException e) {
            throw new SpecException(origin, 1, 1, "the spec is not UTF-8 text");
        } catch (IOException e) {
            throw new SpecException(origin, 1, 1, "cannot read the spec: " + e);
        }
        Path folder = file.toAbsolutePath().getParent();
        return parse(text, origin, folder);
    }

    /** Parses spec text; a relative data path is resolved against the working directory. */
    public static SearchSpec parse(String yaml, String origin) {
        return parse(yaml, origin, Path.of("").toAbsolutePath());
    }

    /** Parses spec text, resolving a relative data path against {@code baseDir}. */
    public static SearchSpec parse(String yaml, String origin, Path baseDir) {
        return new SpecParser(yaml, origin, baseDir, true).parse();
    }

    /**
     * Parses a spec as a search recorded it ({@link SpecWriter#canonical}): its data path is absolute and was
     * checked where the search ran, so it need not exist where the record is read (an aggregator, a laptop).
     */
    public static SearchSpec parseRecorded(String yaml, String origin) {
        return new SpecParser(yaml, origin, Path.of("").toAbsolutePath(), false).parse();
    }
}
