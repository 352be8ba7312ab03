package io.hpo.worker.bench;

import io.hpo.space.Hyperparameters;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;

/**
 * One CSV row per benchmark trial (its search, configuration and losses), so that which hyperparameters mattered
 * can be read afterwards. Writing is synchronised: searches run in parallel and share the file.
 */
final class TrialLog {
    static final String HEADER = "seed,strategy,trial,learning_rate,warmup_steps,schedule,batch_size,dropout,"
            + "weight_decay,width,steps,search_steps,first_rung_loss,best_loss,pruned";

    private final Path file;
    private final long seed;
    private final String strategy;
    private final long firstRungStep;

    /** A log into {@code file}, or one that drops rows when {@code file} is null. */
    TrialLog(Path file, long seed, String strategy, long firstRungStep) {
        this.file = file;
        this.seed = seed;
        this.strategy = strategy;
        this.firstRungStep = firstRungStep;
    }

    static void start(Path file) {
        if (file != null) {
            write(file, HEADER, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING);
        }
    }

    /** The step whose loss is logged as first_rung_loss: ASHA's first rung, also for searches without ASHA. */
    long firstRungStep() {
        return firstRungStep;
    }

    void trialEnded(int index, Hyperparameters hp, long steps, long searchSteps, double firstRungLoss, double best,
                    boolean pruned) {
        if (file == null) {
            return;
        }
        write(file, String.format(Locale.ROOT, "%d,%s,%d,%.6g,%d,%s,%d,%.4f,%.6g,%d,%d,%d,%.5f,%.5f,%b", seed,
                strategy, index, hp.learningRate(), hp.warmupSteps(), hp.schedule(), hp.batchSize(), hp.dropout(),
                hp.weightDecay(), hp.width(), steps, searchSteps, firstRungLoss, best, pruned),
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    private static synchronized void write(Path file, String line, StandardOpenOption... options) {
        try {
            Files.writeString(file, line + System.lineSeparator(), options);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the trial log " + file, e);
        }
    }
}
