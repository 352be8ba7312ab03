package io.hpo.worker.bench;

import io.hpo.space.Hyperparameters;
import io.hpo.space.spec.OuterOptimizerSpec;
import io.hpo.space.spec.OuterOptimizerType;
import io.hpo.space.spec.SpecDefaults;

import java.util.Arrays;
import java.util.List;

import static io.hpo.space.Hyperparameter.BATCH_SIZE;
import static io.hpo.space.Hyperparameter.GRAD_CLIP;
import static io.hpo.space.Hyperparameter.WARMUP_STEPS;

/**
 * Settings of {@link DataParallelBenchmark}, read from system properties ({@code -Dhpo.bench.dp.<key>=...}); each
 * default is the constant beside it. The model and schedule are issue #26's: width 64, 2 blocks, 4 heads,
 * sequence 64, batch 16 per worker, Adam at 1e-3 with 20 warm-up steps then cosine decay, no dropout, decay or
 * clipping.
 *
 * @param steps       optimizer steps of every run (each worker takes this many)
 * @param firstSeed   the first seed
 * @param seeds       seeds per configuration: firstSeed..firstSeed + seeds - 1
 * @param workers     data-parallel worker counts; each also sets a synchronous reference at workers x batch
 * @param frequencies averaging frequencies (local steps per round) for runs with more than one worker
 * @param sweepSeeds  how many seeds, from the first, run every frequency; later seeds run only the middle one
 * @param outers      outer optimizers to compare: average, nesterov (the spec's default learning rate and momentum),
 *                    or nesterov:LEARNING_RATE:MOMENTUM
 * @param datasets    demo (the question-formation corpus) and/or text (the file {@code text})
 * @param text        a real English text; the first {@code textChars} characters are used, the last 10% held out
 * @param textChars   characters of {@code text} used
 * @param evalEvery   steps between validation evaluations (the curve's points)
 * @param evalBatches validation batches of 16 windows, the same windows for every run of a dataset
 * @param out         folder for the CSV of every evaluation and the PNG plots
 */
record DataParallelSettings(int steps, int firstSeed, int seeds, List<Integer> workers, List<Integer> frequencies,
                            int sweepSeeds, List<OuterOptimizerSpec> outers, List<String> datasets,
                            String text, int textChars, int evalEvery, int evalBatches, String out) {

    static final int STEPS = 600;
    static final int SEEDS = 3;
    static final String WORKERS = "1,2,4";
    static final String FREQUENCIES = "1,5,20";
    static final String OUTERS = "average,nesterov";
    static final String DATASETS = "demo,text";
    /** The Vim user manual's chapters 2 to 6, plain English prose about an editor, present wherever Vim is. */
    static final String TEXT = "/usr/share/vim/vim90/doc/usr_02.txt,/usr/share/vim/vim90/doc/usr_03.txt,"
            + "/usr/share/vim/vim90/doc/usr_04.txt,/usr/share/vim/vim90/doc/usr_05.txt,"
            + "/usr/share/vim/vim90/doc/usr_06.txt";
    static final int TEXT_CHARS = 97_000;
    static final int EVAL_EVERY = 50;
    static final int EVAL_BATCHES = 8;
    static final int BATCH = 16;
    static final int EVAL_BATCH = 16;
    static final String OUT = "target/data-parallel";

    static DataParallelSettings fromSystemProperties() {
        return new DataParallelSettings(integer("steps", STEPS), integer("first_seed", 1), integer("seeds", SEEDS),
                integers(text("workers", WORKERS)), integers(text("frequencies", FREQUENCIES)),
                integer("sweep_seeds", Integer.MAX_VALUE),
                Arrays.stream(text("outers", OUTERS).split(",")).map(String::trim).map(DataParallelSettings::outer)
                        .toList(), List.of(text("datasets", DATASETS).split(",")), text("text", TEXT),
                integer("text_chars", TEXT_CHARS), integer("eval_every", EVAL_EVERY),
                integer("eval_batches", EVAL_BATCHES), text("out", OUT));
    }

    /** The configuration every run trains, at {@code batch} sequences per step and worker. */
    Hyperparameters hyperparameters(int batch) {
        return Hyperparameters.builder().set(WARMUP_STEPS, 20).set(BATCH_SIZE, batch).set(GRAD_CLIP, 0.0).build();
    }

    /** The frequency the plot draws, and the only one seeds after {@link #sweepSeeds} run. */
    int middleFrequency() {
        return frequencies.get(frequencies.size() / 2);
    }

    private static OuterOptimizerSpec outer(String name) {
        String[] parts = name.split(":");
        return switch (parts[0]) {
            case "average" -> OuterOptimizerSpec.average();
            case "nesterov" -> parts.length == 1 ? SpecDefaults.NESTEROV : new OuterOptimizerSpec(
                    OuterOptimizerType.NESTEROV, Double.parseDouble(parts[1]), Double.parseDouble(parts[2]));
            default -> throw new IllegalArgumentException("hpo.bench.dp.outers: unknown outer optimizer '" + name
                    + "', expected average, nesterov or nesterov:LEARNING_RATE:MOMENTUM");
        };
    }

    private static String text(String key, String fallback) {
        return System.getProperty("hpo.bench.dp." + key, fallback);
    }

    private static int integer(String key, int fallback) {
        return Integer.parseInt(text(key, Integer.toString(fallback)));
    }

    private static List<Integer> integers(String csv) {
        return Arrays.stream(csv.split(",")).map(String::trim).map(Integer::parseInt).toList();
    }
}
