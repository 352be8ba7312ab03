package io.hpo.driver;

import io.hpo.events.BusConfig;
import io.hpo.events.EventPublisher;
import io.hpo.events.LifecycleEvent;
import io.hpo.events.LifecycleType;
import io.hpo.space.Hyperparameters;
import io.hpo.space.pruner.PruneDecision;
import io.hpo.space.pruner.Pruner;
import io.hpo.space.pruner.Pruners;
import io.hpo.space.sampler.FinishedTrial;
import io.hpo.space.sampler.Sampler;
import io.hpo.space.sampler.Samplers;
import io.hpo.space.sampler.SearchHistory;
import io.hpo.space.spec.SearchSpec;
import io.hpo.space.spec.SpecWriter;
import io.hpo.worker.data.CorpusSplit;
import io.hpo.worker.trial.StopSignal;
import io.hpo.worker.trial.TrialFailures;
import io.hpo.worker.trial.TrialObserver;
import io.hpo.worker.trial.TrialOutcome;
import io.hpo.worker.trial.TrialPlan;
import io.hpo.worker.trial.TrialResult;
import io.hpo.worker.trial.TrialRunner;
import org.apache.spark.api.java.JavaSparkContext;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

/**
 * Runs a search on the driver: asks the sampler for configurations (giving it the finished trials and the running
 * ones), keeps up to max_concurrent_trials trials training at once (each a Spark job per averaging round, in its
 * own job group), lets the pruner judge every evaluation and stops a pruned trial before its next round, publishes
 * every lifecycle event, and stops launching when the trial or wall-time budget is spent.
 */
public final class SearchRunner {
    private final JavaSparkContext sc;
    private final BusConfig bus;
    private final PrintStream out;
    private final DriverMetrics metrics;

    SearchRunner(JavaSparkContext sc, BusConfig bus, PrintStream out, DriverMetrics metrics) {
        this.sc = sc;
        this.bus = bus;
        this.out = out;
        this.metrics = metrics;
    }

    public SearchOutcome run(SearchSpec spec, String searchId) throws InterruptedException {
        long started = System.currentTimeMillis();
        long deadline = started + spec.budget().maxWallTime().toMillis();
        CorpusSplit data = SearchData.load(spec, sc);
        int concurrency = Math.min(spec.budget().maxConcurrentTrials(), spec.budget().maxTrials());
        ProgressReporter progress = new ProgressReporter(out, searchId, spec.budget().maxTrials());
        out.println("search " + searchId + ": " + spec.budget().maxTrials() + " trials, " + concurrency
                + " at a time, " + spec.training().workers() + " workers each, " + spec.budget().maxStepsPerTrial()
                + " steps per trial; vocabulary " + data.tokenizer().vocabSize() + " symbols, "
                + data.train().length + " training / " + data.validation().length + " validation tokens");

        ExecutorService pool = Executors.newFixedThreadPool(concurrency, r -> {
            Thread t = new Thread(r, "trial-" + THREADS.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        List<TrialSummary> finished = new ArrayList<>();
        try (EventPublisher publisher = new EventPublisher(bus)) {
            publisher.publish(LifecycleEvent.searchStarted(searchId, spec.name(), SpecWriter.canonical(spec)));
            publisher.flush();
            TrialExecution execution = new TrialExecution(sc, new TrialRunner(sc, bus), publisher, progress, metrics,
                    data, () -> System.currentTimeMillis() > deadline, Pruners.forSpec(spec));
            CompletionService<TrialSummary> completed = new ExecutorCompletionService<>(pool);
            Sampler sampler = Samplers.forSpec(spec);
            List<FinishedTrial> history = new ArrayList<>();
            Map<String, Hyperparameters> pending = new LinkedHashMap<>();
            int launched = 0;
            int running = 0;
            boolean exhausted = false;
            while (true) {
                while (!exhausted && running < concurrency && launched < spec.budget().maxTrials()
                        && System.currentTimeMillis() <= deadline) {
                    Optional<Hyperparameters> next = metrics.timeSuggestion(() -> sampler.suggest(
                            new SearchHistory(history, List.copyOf(pending.values()))));
                    if (next.isEmpty()) {
                        exhausted = true;
                        progress.spaceExhausted(launched);
                        break;
                    }
                    TrialPlan plan = plan(spec, searchId, launched, next.get());
                    publisher.publish(LifecycleEvent.trialCreated(searchId, plan.trialId(), next.get().toMap()));
                    completed.submit(() -> execution.run(plan));
                    pending.put(plan.trialId(), next.get());
                    launched++;
                    running++;
                }
                if (running == 0) {
                    break;
                }
                TrialSummary done = completed.take().get();
                finished.add(done);
                pending.remove(done.trialId());
                history.add(new FinishedTrial(done.hyperparameters(), done.result().bestValLoss(),
                        done.result().steps()));
                running--;
            }
            SearchStatus status = System.currentTimeMillis() > deadline ? SearchStatus.WALL_TIME_EXCEEDED
                    : SearchStatus.COMPLETED;
            publisher.publish(LifecycleEvent.searchFinished(searchId, status.name()));
            publisher.flush();
            out.println("search " + searchId + " " + status + ": " + progress.statusLine());
            return new SearchOutcome(searchId, status, List.copyOf(finished), System.currentTimeMillis() - started);
        } catch (ExecutionException e) {
            throw new IllegalStateException("a trial's bookkeeping failed: " + e.getCause().getMessage(), e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    private static final AtomicInteger THREADS = new AtomicInteger();

    private static TrialPlan plan(SearchSpec spec, String searchId, int index, Hyperparameters hp) {
        var t = spec.training();
        return new TrialPlan(searchId, SearchIds.trialId(index), hp, spec.budget().maxStepsPerTrial(), t.workers(),
                t.averagingFrequency(), t.evalEvery(), t.evalBatches(), spec.seed() * 7919 + index);
    }

    /** One trial from STARTED to its terminal event, on a pool thread. */
    private record TrialExecution(JavaSparkContext sc, TrialRunner runner, EventPublisher publisher,
                                  ProgressReporter progress, DriverMetrics metrics, CorpusSplit data,
                                  BooleanSupplier outOfTime, Pruner pruner) {

        TrialSummary run(TrialPlan plan) {
            String searchId = plan.searchId();
            String trialId = plan.trialId();
            publisher.publish(LifecycleEvent.trialStarted(searchId, trialId));
            progress.trialStarted(trialId, plan.hyperparameters().toMap().toString());
            metrics.trialStarted();
            AtomicReference<PruneDecision> pruned = new AtomicReference<>();
            TrialObserver observer = (step, validationLoss, tokensSeen) -> {
                publisher.publish(LifecycleEvent.trialEvaluated(searchId, trialId, step, validationLoss, tokensSeen));
                progress.evaluated(trialId, step, plan.maxSteps(), validationLoss);
                PruneDecision decision = pruner.report(trialId, step, validationLoss);
                if (decision.prune()) {
                    pruned.set(decision);
                    // the evaluation runs between rounds, so this only guards against a job already submitted
                    sc.cancelJobGroup(searchId + "/" + trialId);
                }
            };
            StopSignal stop = () -> {
                if (pruned.get() != null) {
                    return Optional.of(new StopSignal.StopRequest(TrialOutcome.PRUNED, pruned.get().reason()));
                }
                return outOfTime.getAsBoolean() ? Optional.of(new StopSignal.StopRequest(TrialOutcome.FAILED,
                        "search wall-time budget exhausted")) : Optional.empty();
            };
            TrialResult result;
            try {
                result = runner.run(plan, data, observer, stop);
            } catch (RuntimeException | OutOfMemoryError e) {
                result = new TrialResult(TrialOutcome.FAILED, 0, 0, Double.NaN, 0, 0, TrialFailures.reason(plan, e), 0);
            } finally {
                pruner.trialEnded(trialId);
            }
            publisher.publish(result.outcome() == TrialOutcome.PRUNED
                    ? LifecycleEvent.trialPruned(searchId, trialId, result.steps(), result.tokensSeen(),
                    pruned.get().rung() >= 0 ? pruned.get().rung() : null, result.reason())
                    : LifecycleEvent.trialEnded(searchId, trialId, terminalType(result.outcome()), result.steps(),
                    result.tokensSeen(), result.reason()));
            publisher.flush();
            progress.trialEnded(trialId, result);
            metrics.trialEnded(result);
            return new TrialSummary(trialId, plan.hyperparameters(), result);
        }

        private static LifecycleType terminalType(TrialOutcome outcome) {
            return switch (outcome) {
                case COMPLETED -> LifecycleType.TRIAL_COMPLETED;
                case DIVERGED -> LifecycleType.TRIAL_DIVERGED;
                case FAILED -> LifecycleType.TRIAL_FAILED;
                case PRUNED -> LifecycleType.TRIAL_PRUNED;
            };
        }
    }
}
