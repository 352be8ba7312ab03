package io.hpo.space.spec;

import io.hpo.space.Hyperparameter;
import io.hpo.space.checkpoint.CheckpointException;
import io.hpo.space.checkpoint.CheckpointFile;
import io.hpo.space.checkpoint.CheckpointManifest;
import org.yaml.snakeyaml.nodes.Node;

import java.net.URI;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The {@code checkpoints} and {@code init} sections, and what a checkpoint imposes on the space: its architecture,
 * and an upper bound on {@code frozen_blocks}. Every problem is an error at the key that causes it.
 */
final class FineTuningSections {
    static final List<String> CHECKPOINTS_KEYS = List.of("dir", "save");
    static final List<String> INIT_KEYS = List.of("checkpoint", "from_trial");
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
    private static final Pattern SCHEME = Pattern.compile("^([A-Za-z][A-Za-z0-9+.-]+):");

    private final NodeReader reader;
    private final Path baseDir;
    private final boolean checkLocalFiles;

    /** @param checkLocalFiles false for a recorded spec, whose checkpoint was checked where the search ran */
    FineTuningSections(NodeReader reader, Path baseDir, boolean checkLocalFiles) {
        this.reader = reader;
        this.baseDir = baseDir;
        this.checkLocalFiles = checkLocalFiles;
    }

    CheckpointsSpec checkpoints(Optional<NodeReader.Mapping> section) {
        Path dir = section.flatMap(m -> m.value("dir")).map(n -> localPath(n, "checkpoints.dir", baseDir))
                .orElseGet(() -> Path.of(SpecDefaults.CHECKPOINT_DIR).toAbsolutePath().normalize());
        if (checkLocalFiles && Files.exists(dir) && !Files.isDirectory(dir)) {
            throw reader.error(section.get().value("dir").get(), "checkpoints.dir " + NodeReader.excerpt(dir.toString())
                    + " is a file, not a folder");
        }
        CheckpointPolicy policy = section.flatMap(m -> m.value("save")).map(this::policy)
                .orElse(SpecDefaults.CHECKPOINT_POLICY);
        return new CheckpointsSpec(dir.toString(), policy);
    }

    private CheckpointPolicy policy(Node node) {
        List<String> known = Arrays.stream(CheckpointPolicy.values()).map(p -> p.name().toLowerCase(Locale.ROOT))
                .toList();
        return CheckpointPolicy.valueOf(reader.oneOf(node, "checkpoints.save", known).toUpperCase(Locale.ROOT));
    }

    /**
     * The init section, with the space adjusted in place: the checkpoint's architecture replaces the defaults, and a
     * spec that sets it differently, freezes more blocks than the checkpoint has, or freezes anything without a
     * checkpoint is refused. Returns null when the spec trains from scratch.
     *
     * @param spaceSection the written space, to point at the key a problem comes from
     */
    InitSpec init(Optional<NodeReader.Mapping> section, CheckpointsSpec checkpoints, Map<String, ParamSpec> space,
                  Optional<NodeReader.Mapping> spaceSection) {
        if (section.isEmpty()) {
            for (String name : Hyperparameter.FINE_TUNING) {
                ParamSpec fromScratch = new ParamSpec.Fixed(Hyperparameter.forName(name).defaultMapValue());
                if (!space.get(name).equals(fromScratch)) {
                    throw reader.error(spaceSection.get().keyNode(name), name + " applies only to a search that "
                            + "starts from a checkpoint: add init: {checkpoint: PATH} or init: {from_trial: SEARCH/TRIAL}");
                }
            }
            return null;
        }
        NodeReader.Mapping m = section.get();
        if (m.keys().size() != 1) {
            throw reader.error(m.node(), "init needs exactly one of checkpoint or from_trial");
        }
        String key = m.keys().get(0);
        Node node = m.value(key).orElseThrow();
        InitSpec init = key.equals("checkpoint") ? new InitSpec(localPath(node, "init.checkpoint", baseDir).toString(), null)
                : fromTrial(node, checkpoints);
        if (!checkLocalFiles) {
            return init;
        }
        CheckpointManifest manifest;
        try {
            manifest = CheckpointFile.read(Path.of(init.checkpoint()));
        } catch (CheckpointException e) {
            throw reader.error(node, "init." + key + ": checkpoint " + e.getMessage());
        }
        takeArchitecture(manifest, init, space, spaceSection);
        int layers = manifest.hyperparameters().layers();
        ParamSpec frozen = space.get(Hyperparameter.FROZEN_BLOCKS.name());
        if (frozen.largest() > layers) {
            throw reader.error(spaceSection.get().keyNode(Hyperparameter.FROZEN_BLOCKS.name()), String.format(Locale.ROOT,
                    "frozen_blocks reaches %d, but the checkpoint %s has %d layer%s: at most %d can be frozen",
                    (long) frozen.largest(), NodeReader.excerpt(init.checkpoint()), layers, layers == 1 ? "" : "s",
                    layers));
        }
        return init;
    }

    private InitSpec fromTrial(Node node, CheckpointsSpec checkpoints) {
        String text = reader.text(node, "init.from_trial").trim();
        String[] parts = text.split("/", -1);
        if (parts.length != 2 || !ID.matcher(parts[0]).matches() || !ID.matcher(parts[1]).matches()
                || parts[0].contains("..") || parts[1].contains("..")) {
            throw reader.error(node, "init.from_trial must be SEARCH_ID/TRIAL_ID (e.g. demo-20261125-075058/trial-006),"
                    + " got '" + NodeReader.excerpt(text) + "'");
        }
        Path file = checkpoints.pathOf(parts[0], parts[1]);
        if (checkLocalFiles && !Files.exists(file)) {
            throw reader.error(node, "init.from_trial: trial " + parts[1] + " of search " + parts[0]
                    + " has no checkpoint at " + NodeReader.excerpt(file.toString()) + " (only completed trials save,"
                    + " and with checkpoints.save: best only those that improved on the search's best; is"
                    + " checkpoints.dir the folder that search saved to?)");
        }
        return new InitSpec(file.toString(), text);
    }

    private void takeArchitecture(CheckpointManifest manifest, InitSpec init, Map<String, ParamSpec> space,
                                  Optional<NodeReader.Mapping> spaceSection) {
        Map<String, Object> pretrained = manifest.hyperparameters().toMap();
        for (String name : Hyperparameter.ARCHITECTURE) {
            ParamSpec checkpointValue = new ParamSpec.Fixed(pretrained.get(name));
            boolean written = spaceSection.map(s -> s.keys().contains(name)).orElse(false);
            if (written && !space.get(name).equals(checkpointValue)) {
                throw reader.error(spaceSection.get().keyNode(name), name + " " + describe(space.get(name))
                        + " differs from the checkpoint's " + pretrained.get(name) + " ("
                        + NodeReader.excerpt(init.checkpoint()) + "): a fine-tuning search takes the architecture ("
                        + String.join(", ", Hyperparameter.ARCHITECTURE) + ") from its checkpoint; leave " + name
                        + " out of space");
            }
            space.put(name, checkpointValue);
        }
    }

    private static String describe(ParamSpec spec) {
        return spec instanceof ParamSpec.Fixed f ? String.valueOf(f.value()) : "as a range or choice";
    }

    /** A local path or file: URI, made absolute against {@code base}; other schemes cannot be renamed atomically. */
    private Path localPath(Node node, String what, Path base) {
        String text = reader.text(node, what).trim();
        if (text.isEmpty()) {
            throw reader.error(node, what + " must be a path");
        }
        var scheme = SCHEME.matcher(text);
        if (scheme.find()) {
            if (!scheme.group(1).equalsIgnoreCase("file")) {
                throw reader.error(node, what + " must be a local or mounted path (hpo replaces checkpoints by an atomic"
                        + " rename, which " + scheme.group(1) + ": does not promise), got '" + NodeReader.excerpt(text)
                        + "'");
            }
            try {
                return Path.of(URI.create(text)).toAbsolutePath().normalize();
            } catch (IllegalArgumentException | FileSystemNotFoundException e) {
                throw reader.error(node, what + " '" + NodeReader.excerpt(text) + "' is not a valid file: URI ("
                        + e.getMessage() + ")");
            }
        }
        return base.resolve(text).toAbsolutePath().normalize();
    }
}
