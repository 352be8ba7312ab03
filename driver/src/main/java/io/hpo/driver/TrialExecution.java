package io.hpo.driver;

import io.hpo.events.LifecycleEvent;
import io.hpo.events.LifecycleSink;
import io.hpo.events.TrialAccounting;
import io.hpo.events.TrialStatus;
import io.hpo.space.cost.Spend;
import io.hpo.space.pruner.PruneDecision;
import io.hpo.space.pruner.Pruner;
import io.hpo.worker.data.CorpusSplit;
import io.hpo.worker.trial.StopSignal;
import io.hpo.worker.trial.TrainingResult;
import io.hpo.worker.trial.TrialFailures;
import io.hpo.worker.trial.TrialObserver;
import io.hpo.worker.trial.TrialPlan;
import io.hpo.worker.trial.TrialRunner;
import io.hpo.worker.trial.TrialTraining;

import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * One trial from STARTED to its terminal event, on a pool thread of the search. A trial whose Spark job failed
 * because an executor was lost runs again from scratch as its next attempt, up to {@link Rules#retries} times. Every
 * evaluation goes to the pruner, and the last attempt's into the trial's summary, from which the sampler learns
 * (multi_fidelity fits the losses at one step); a pruned trial stops before its next round. The terminal event
 * carries the trial's accounting, its wall time taken over all its attempts.
 */
final class TrialExecution {
    private final TrialTraining training;
    private final CorpusSplit data;
    private final TrialCosts costs;
    private final Reporting report;
    private final Rules rules;

    /** Where a trial's course goes: its lifecycle events, the console's progress lines, the driver's metrics. */
    record Reporting(LifecycleSink events, ProgressReporter progress, DriverMetrics metrics) {
    }

    /**
     * What decides whether a trial goes on.
     *
     * @param pruner   stops a trial whose evaluations fall behind
     * @param mustStop says why a trial has to end before its budget (cancelled, out of wall time), if it has
     * @param retries  how many times a trial runs again after losing an executor
     */
    record Rules(Pruner pruner, Function<String, Optional<String>> mustStop, int retries) {
    }

    TrialExecution(TrialTraining training, CorpusSplit data, TrialCosts costs, Reporting report, Rules rules) {
        this.training = training;
        this.data = data;
        this.costs = costs;
        this.report = report;
        this.rules = rules;
    }

    /** @param startReason null for a first run; why the trial runs again for a resumed one */
    TrialSummary run(TrialPlan first, String startReason) {
        long started = System.currentTimeMillis();
        TrialPlan plan = first;
        AtomicReference<PruneDecision> pruned = new AtomicReference<>();
        int retriesLeft = rules.retries();
        Attempt attempt = attempt(plan, startReason, pruned, retriesLeft > 0);
        while (attempt.retryReason() != null) {
            retriesLeft--;
            plan = plan.nextAttempt();
            report.progress().retrying(plan.trialId(), plan.attempt(), attempt.retryReason());
            attempt = attempt(plan, attempt.retryReason(), pruned, retriesLeft > 0);
        }
        return ended(plan, attempt.result(), pruned.get(), System.currentTimeMillis() - started,
                attempt.evaluations());
    }

    /**
     * Publishes the trial's end (its terminal event with its accounting) and reports it.
     *
     * @param pruned     the pruner's decision that stopped it, or null
     * @param wallTimeMs how long the trial held its workers, which its accounting prices
     */
    TrialSummary ended(TrialPlan plan, TrainingResult result, PruneDecision pruned, long wallTimeMs,
                       NavigableMap<Long, Double> evaluations) {
        // the pruner keeps what earlier attempts reported: a retry passes the rungs they passed again
        rules.pruner().trialEnded(plan.trialId());
        TrialAccounting accounting = costs.account(plan, wallTimeMs, result.tokensSeen());
        report.events().publish(terminalEvent(plan, result, pruned).withAccounting(accounting));
        report.events().flush();
        Spend spend = TrialCosts.spend(accounting);
        report.progress().trialEnded(plan.trialId(), result, spend);
        report.metrics().trialEnded(result);
        return new TrialSummary(plan.trialId(), plan.hyperparameters(), result, spend, evaluations);
    }

    private static LifecycleEvent terminalEvent(TrialPlan plan, TrainingResult result, PruneDecision pruned) {
        String searchId = plan.searchId();
        String trialId = plan.trialId();
        return switch (result.outcome()) {
            case PRUNED -> LifecycleEvent.trialPruned(searchId, trialId, plan.attempt(), result.steps(),
                    result.tokensSeen(), pruned.rung() >= 0 ? pruned.rung() : null, result.reason());
            case COMPLETED -> LifecycleEvent.trialCompleted(searchId, trialId, plan.attempt(), result.steps(),
                    result.tokensSeen(), result.checkpoint());
            default -> LifecycleEvent.trialEnded(searchId, trialId, plan.attempt(), result.outcome().terminalEvent(),
                    result.steps(), result.tokensSeen(), result.reason());
        };
    }

    /**
     * How one attempt ended: with a result, or failed for a lost executor with the reason to run again; with the
     * validation losses it reported, by step.
     */
    private record Attempt(TrainingResult result, String retryReason, NavigableMap<Long, Double> evaluations) {
    }

    private Attempt attempt(TrialPlan plan, String startReason, AtomicReference<PruneDecision> pruned,
                            boolean mayRetry) {
        started(plan, startReason);
        NavigableMap<Long, Double> evaluations = new TreeMap<>();
        TrialObserver observer = observer(plan, evaluations, pruned);
        StopSignal stop = stop(plan.trialId(), pruned);
        try {
            return new Attempt(training.run(plan, data, observer, stop), null, evaluations);
        } catch (Exception | OutOfMemoryError e) {
            // Spark throws its checked SparkException from Scala undeclared: a failed job lands here too
            String retry = retryReason(plan, e, mayRetry);
            return retry != null ? new Attempt(null, retry, evaluations)
                    : new Attempt(failed(failureReason(plan, e)), null, evaluations);
        }
    }

    /**
     * One interval of a population member: {@code train} runs it from the member's state at the interval's start,
     * and runs it again from that state when an executor was lost, while the member's {@code retriesLeft} (over the
     * driver run) last and nothing says stop. It stays the same attempt, as a resumed member's redone interval does:
     * the steps and evaluations it publishes again carry the keys the store already holds. Any other failure ends
     * the member FAILED, with no state.
     */
    TrialRunner.TrainedInterval interval(TrialPlan plan, AtomicInteger retriesLeft,
                                         Supplier<TrialRunner.TrainedInterval> train) {
        while (true) {
            try {
                return train.get();
            } catch (Exception | OutOfMemoryError e) {
                String retry = retryReason(plan, e, retriesLeft.get() > 0);
                if (retry == null) {
                    return new TrialRunner.TrainedInterval(failed(failureReason(plan, e)), null);
                }
                retriesLeft.decrementAndGet();
                report.progress().retrying(plan.trialId(), plan.attempt(), retry + "; the interval trains again");
            }
        }
    }

    /** Why an attempt that threw {@code e} runs again (an executor was lost, it may, nothing says stop), or null. */
    private String retryReason(TrialPlan plan, Throwable e, boolean mayRetry) {
        return TrialFailures.executorLost(e) && mayRetry && rules.mustStop().apply(plan.trialId()).isEmpty()
                ? lostExecutor(plan, e) : null;
    }

    /** Why an attempt that threw {@code e}, and does not run again, failed. */
    private String failureReason(TrialPlan plan, Throwable e) {
        return TrialFailures.executorLost(e)
                ? lostExecutor(plan, e) + " (no retries left: hpo.trial.retries=" + rules.retries() + ")"
                : TrialFailures.reason(plan, e);
    }

    private static String lostExecutor(TrialPlan plan, Throwable e) {
        return "attempt " + plan.attempt() + " lost an executor: " + TrialFailures.reason(plan, e);
    }

    /**
     * Publishes and reports the start of the plan's attempt; {@code startReason} is null for a first run. Its
     * {@link #observer} makes the start durable before the attempt's first step: a resumed driver counts attempts
     * on Kafka, so an attempt's steps must never be there without its start.
     */
    void started(TrialPlan plan, String startReason) {
        report.events().publish(LifecycleEvent.trialStarted(plan.searchId(), plan.trialId(), plan.attempt(),
                startReason));
        report.progress().trialStarted(plan.trialId(), plan.attempt(), plan.hyperparameters().toMap().toString());
        report.metrics().trialStarted();
    }

    /**
     * Hears the attempt: delivers its start (and whatever was published before) before it trains; publishes and
     * reports each evaluation, records it in {@code evaluations}, and asks the pruner, noting in {@code pruned} a
     * decision to stop.
     */
    TrialObserver observer(TrialPlan plan, NavigableMap<Long, Double> evaluations,
                           AtomicReference<PruneDecision> pruned) {
        String trialId = plan.trialId();
        return new TrialObserver() {
            @Override
            public void aboutToTrain() {
                report.events().flush();
            }

            @Override
            public void evaluated(long step, double validationLoss, long tokensSeen) {
                evaluations.put(step, validationLoss);
                report.events().publish(LifecycleEvent.trialEvaluated(plan.searchId(), trialId, plan.attempt(), step,
                        validationLoss, tokensSeen));
                report.progress().evaluated(trialId, step, plan.maxSteps(), validationLoss);
                PruneDecision decision = rules.pruner().report(trialId, step, validationLoss);
                if (decision.prune()) {
                    pruned.set(decision);
                    // the evaluation runs between rounds, so this only guards against a job already submitted
                    training.cancel(plan);
                }
            }
        };
    }

    /** Stops the trial once pruned, cancelled or out of wall time. */
    StopSignal stop(String trialId, AtomicReference<PruneDecision> pruned) {
        return () -> {
            if (pruned.get() != null) {
                return Optional.of(new StopSignal.StopRequest(TrialStatus.PRUNED, pruned.get().reason()));
            }
            return rules.mustStop().apply(trialId)
                    .map(why -> new StopSignal.StopRequest(TrialStatus.FAILED, why));
        };
    }

    /** How many times a trial, or a population member, runs again after losing an executor in one driver run. */
    int retries() {
        return rules.retries();
    }

    static TrainingResult failed(String reason) {
        return new TrainingResult(TrialStatus.FAILED, 0, 0, Double.NaN, 0, 0, reason, 0);
    }
}
