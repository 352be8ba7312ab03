package io.hpo.space.spec;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Loads and validates a search spec. Every problem is a {@link SpecException} whose message reads
 * {@code origin:line:column: what is wrong}. The format (keys snake_case; every key but {@code name} optional,
 * defaults in {@link SpecDefaults}, limits in {@link SpecLimits}; examples/full.yaml explains each key):
 *
 * <pre>{@code
 * name: demo                 # required: letters, digits, . _ -
 * seed: 42                   # default 0; same seed, same configurations
 * data:
 *   source: demo             # "demo" (built-in corpus, default) or a path/URI of UTF-8 text (file or folder);
 *                            # relative paths are relative to the spec file; local ones must exist
 *   demo_sentences: 3000     # default 3000, only for demo, in [100, 1000000]
 *   validation_fraction: 0.1 # default 0.1, in (0, 0.5]
 *   demo_task: negation      # question_formation (default) | negation; only for demo
 * checkpoints:
 *   dir: ckpt                # default .hpo/checkpoints under the working directory; relative to the spec file
 *   save: best               # best (default) | all | none
 * init:                      # optional; one of:
 *   from_trial: SEARCH/TRIAL # that trial's checkpoint under checkpoints.dir, or
 *   checkpoint: model.zip    # a checkpoint file; the architecture comes from it
 * strategy:
 *   type: random             # random | grid | tpe | gp; default random
 *   grid_points: 3           # values per continuous (or wider integer) range in a grid; default 3
 *   startup_trials: 10       # tpe, gp: start-up trials (a Latin hypercube) first; default 10
 *   ei_candidates: 24        # tpe: candidates per suggestion; default 24
 *   gamma: 0.25              # tpe: share of trials in the good group (at most 25); default 0.25
 *   multivariate: true       # tpe: joint densities over all parameters, else one per parameter; default true
 * pruner:
 *   type: none               # none | median | asha; default none
 *   startup_trials: 5        # median: ended trials before pruning starts; default 5
 *   warmup_steps: 0          # median: no pruning before this step; default 0
 *   min_steps: 0             # asha: first rung's steps, 0 = eval_every; default 0
 *   reduction_factor: 3      # asha: default 3
 *   min_early_stopping_rate: 0 # asha: default 0
 * budget:
 *   max_trials: 8            # default 10
 *   max_concurrent_trials: 2 # default 1; capped at max_trials
 *   max_steps_per_trial: 150 # default 200
 *   max_wall_time: 30m       # default 1h; units d h m s, e.g. 90s, 2h, 1h30m
 * training:
 *   workers: 2               # data-parallel workers per trial, averaging parameters; default 1
 *   averaging_frequency: 5   # local steps between averagings; default 5
 *   outer_optimizer: nesterov  # step on each round's averaged change: average, nesterov, or
 *                            # {type: nesterov, learning_rate: 0.7, momentum: 0.6}; default nesterov
 *   eval_every: 25           # steps between validation evaluations; default 50, at most max_steps_per_trial
 *   eval_batches: 4          # validation batches per evaluation; default 8
 * space:                     # a fixed value, or {uniform: [a, b]}, {log_uniform: [a, b]}, {int: [a, b]},
 *   learning_rate: {log_uniform: [1.0e-4, 3.0e-3]}   # {choice: [...]}; omitted ones are fixed at defaults
 *   width: {choice: [32, 64]}
 *   heads: {choice: [2, 4], when: {width: [64]}, otherwise: 2}  # searched only while width is 64, else 2
 *                            # (otherwise defaults to the default); the parent is a choice, not conditional
 *   frozen_blocks: {int: [0, 1]}                    # only with init; default 0
 *   fine_tune_mode: {choice: [full, feature_extraction]}   # only with init; default full
 * constraints:               # "a OP b" (== != < <= > >=) or "a % b == 0"; width % heads == 0 always applies
 *   - heads <= layers
 * }</pre>
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
