package io.hpo.driver;

import io.hpo.events.TrialStatus;
import io.hpo.space.cost.Spend;
import io.hpo.space.cost.SpendMeasure;
import io.hpo.worker.trial.TrainingResult;

import java.io.PrintStream;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Terminal progress of a search: trials done of total, running, best validation loss so far, an ETA, and the
 * finished trials' spend (against each spend budget the spec sets; energy and executor-hours when it sets none),
 * printed whenever something changes (a trial starts, is evaluated, or ends). Thread-safe: trials report
 * concurrently.
 */
final class ProgressReporter {
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss");

    private final PrintStream out;
    private final String searchId;
    private final Map<SpendMeasure, Double> spendLimits;
    private final long startedMs;
    private final Map<TrialStatus, Integer> ended = new EnumMap<>(TrialStatus.class);
    /** fraction of its step budget each running trial has reached, for the ETA */
    private final Map<String, Double> runningProgress = new HashMap<>();
    private int totalTrials;
    private int running;
    /** trials that finished before a resume: done, but not part of this run's pace */
    private int recorded;
    private double bestLoss = Double.NaN;
    private String bestTrial;
    private Spend spent = Spend.NONE;

    ProgressReporter(PrintStream out, String searchId, int totalTrials, Map<SpendMeasure, Double> spendLimits) {
        this.out = out;
        this.searchId = searchId;
        this.spendLimits = Map.copyOf(spendLimits);
        this.totalTrials = totalTrials;
        this.startedMs = System.currentTimeMillis();
    }

    synchronized void trialStarted(String trialId, int attempt, String config) {
        running++;
        runningProgress.put(trialId, 0.0);
        print(trialId + " started" + (attempt > 1 ? " (attempt " + attempt + ")" : "") + ": " + config);
    }

    synchronized void evaluated(String trialId, long step, long maxSteps, double loss) {
        noteLoss(trialId, loss);
        runningProgress.put(trialId, (double) step / maxSteps);
        print(String.format("%s step %d/%d: validation loss %.4f", trialId, step, maxSteps, loss));
    }

    synchronized void trialEnded(String trialId, TrainingResult result, Spend spend) {
        running--;
        runningProgress.remove(trialId);
        ended.merge(result.outcome(), 1, Integer::sum);
        spent = spent.plus(spend);
        double seconds = result.wallTimeMs() / 1000.0;
        String throughput = seconds > 0 && result.tokensSeen() > 0
                ? String.format(", %d tokens in %.0f s, %.0f tokens/s", result.tokensSeen(), seconds,
                result.tokensSeen() / seconds) : "";
        print(trialId + " " + result.outcome() + throughput + (result.reason() == null ? "" : " (" + result.reason() + ")"));
    }

    /** A trial that had finished before the search was resumed. */
    synchronized void recorded(String trialId, TrainingResult result, Spend spend) {
        recorded++;
        spent = spent.plus(spend);
        ended.merge(result.outcome(), 1, Integer::sum);
        noteLoss(trialId, result.bestValLoss());
    }

    /** The trial runs again, as its next attempt, after {@code reason}. */
    synchronized void retrying(String trialId, int attempt, String reason) {
        running--;
        runningProgress.remove(trialId);
        print(trialId + " runs again as attempt " + attempt + ": " + reason);
    }

    private void noteLoss(String trialId, double loss) {
        if (Double.isFinite(loss) && (Double.isNaN(bestLoss) || loss < bestLoss)) {
            bestLoss = loss;
            bestTrial = trialId;
        }
    }

    /** The sampler ran out of new configurations before the budget did. */
    synchronized void spaceExhausted(int trials) {
        totalTrials = trials;
        print("search space exhausted after " + trials + " trials");
    }

    /** A spend budget was reached: no trial starts after this. */
    synchronized void budgetExhausted(String which) {
        print("spend budget exhausted, no new trials: " + which);
    }

    synchronized String statusLine() {
        int done = ended.values().stream().mapToInt(Integer::intValue).sum();
        long elapsed = System.currentTimeMillis() - startedMs;
        double progressed = done - recorded + runningProgress.values().stream().mapToDouble(Double::doubleValue).sum();
        String eta = progressed == 0 ? "?"
                : format((long) (elapsed * (totalTrials - recorded - progressed) / progressed));
        StringBuilder s = new StringBuilder()
                .append(done).append('/').append(totalTrials).append(" trials done");
        if (ended.containsKey(TrialStatus.DIVERGED) || ended.containsKey(TrialStatus.FAILED)) {
            s.append(" (").append(ended.getOrDefault(TrialStatus.DIVERGED, 0)).append(" diverged, ")
                    .append(ended.getOrDefault(TrialStatus.FAILED, 0)).append(" failed)");
        }
        if (ended.containsKey(TrialStatus.PRUNED)) {
            s.append(" (").append(ended.get(TrialStatus.PRUNED)).append(" pruned)");
        }
        s.append(", ").append(running).append(" running | best val loss ")
                .append(Double.isNaN(bestLoss) ? "-" : String.format("%.4f (%s)", bestLoss, bestTrial))
                .append(" | elapsed ").append(format(elapsed)).append(", ETA ").append(eta)
                .append(" | spent ").append(spendLine());
        return s.toString();
    }

    private String spendLine() {
        if (spendLimits.isEmpty()) {
            return List.of(SpendMeasure.ENERGY_KWH, SpendMeasure.EXECUTOR_HOURS).stream()
                    .map(m -> m.format(spent.get(m))).collect(Collectors.joining(", "));
        }
        return spendLimits.keySet().stream().sorted()
                .map(m -> m.format(spent.get(m)) + " of " + m.format(spendLimits.get(m)))
                .collect(Collectors.joining(", "));
    }

    private void print(String event) {
        out.println("[" + LocalTime.now().format(CLOCK) + "] " + searchId + " | " + event);
        out.println("           " + statusLine());
        out.flush();
    }

    static String format(long ms) {
        Duration d = Duration.ofMillis(ms);
        return d.toHours() > 0 ? String.format("%dh%02dm", d.toHours(), d.toMinutesPart())
                : String.format("%dm%02ds", d.toMinutes(), d.toSecondsPart());
    }
}
