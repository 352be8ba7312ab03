package io.hpo.driver;

import io.hpo.driver.bus.DriverLease;
import io.hpo.driver.bus.LeaseLostException;
import io.hpo.driver.history.RecordedSearch;
import io.hpo.driver.history.RecordedTrial;
import io.hpo.events.BusConfig;
import io.hpo.events.EventPublisher;
import io.hpo.events.KafkaStepSink;
import io.hpo.events.LifecycleEvent;
import io.hpo.events.TrialStatus;
import io.hpo.space.Hyperparameter;
import io.hpo.space.Hyperparameters;
import io.hpo.space.pruner.Pruner;
import io.hpo.space.pruner.Pruners;
import io.hpo.space.sampler.FinishedTrial;
import io.hpo.space.sampler.Sampler;
import io.hpo.space.sampler.Samplers;
import io.hpo.space.spec.InitSpec;
import io.hpo.space.spec.SearchSpec;
import io.hpo.space.spec.SpecWriter;
import io.hpo.space.spec.StrategyType;
import io.hpo.worker.checkpoint.SearchCheckpoints;
import io.hpo.worker.data.CorpusSplit;
import io.hpo.worker.trial.TrialPlan;
import io.hpo.worker.trial.TrialRunner;
import org.apache.spark.api.java.JavaSparkContext;

import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Runs a search on the driver: publishes its start and end, runs a resumed search's unfinished trials again, launches
 * the {@link EnqueuedTrials enqueued configurations} first, then asks the sampler for configurations (giving it the
 * finished trials and the running ones), launching them on a pool of threads while the {@link LaunchPolicy} allows,
 * each trial a {@link TrialExecution} (a Spark job per averaging round, in the trial's own job group). A cancelled
 * trial (or every trial of a cancelled search) stops before its next round; trials running when a spend budget is reached finish (their spend is already under way, and a finished
 * trial is worth more than a cancelled one). A runner {@link #fencedBy(DriverLease) fenced by} the search's lease
 * launches nothing once the lease is lost, and ends: running trials stop with the driver. A search of strategy pbt
 * trains its population interval by interval instead ({@link PopulationRunner}).
 */
public final class SearchRunner {
    private final JavaSparkContext sc;
    private final BusConfig bus;
    private final PrintStream out;
    private final DriverMetrics metrics;
    private final int retries;
    private final Runnable fence;

    /** @param retries how many times a trial runs again after losing an executor (per driver run) */
    SearchRunner(JavaSparkContext sc, BusConfig bus, PrintStream out, DriverMetrics metrics, int retries) {
        this.sc = sc;
        this.bus = bus;
        this.out = out;
        this.metrics = metrics;
        this.retries = retries;
        // tests that drive a runner on topics of their own run it without a lease: nothing to lose
        this.fence = () -> { };
    }

    private SearchRunner(SearchRunner runner, Runnable fence) {
        this.sc = runner.sc;
        this.bus = runner.bus;
        this.out = runner.out;
        this.metrics = runner.metrics;
        this.retries = runner.retries;
        this.fence = fence;
    }

    /**
     * A runner that checks the driver still holds the search's lease before it launches each trial and every
     * {@link #FENCE_CHECK} while trials run, and stops with {@link LeaseLostException} once it does not.
     */
    SearchRunner fencedBy(DriverLease lease) {
        return new SearchRunner(this, lease::require);
    }

    /**
     * Runs the search, going on from {@code prior} when the search was recorded before (a resumed search): its
     * finished trials count towards the budget and feed the sampler and pruner, and its unfinished ones run again
     * as their next attempt.
     */
    public SearchOutcome run(SearchSpec spec, String searchId, RecordedSearch prior) throws InterruptedException {
        return run(spec, searchId, prior, List.of());
    }

    /**
     * As {@link #run(SearchSpec, String, RecordedSearch)}, the sampler also learning from {@code warm}, earlier
     * searches' trials (strategy.warm_start); they count towards no budget.
     */
    public SearchOutcome run(SearchSpec spec, String searchId, RecordedSearch prior, List<FinishedTrial> warm)
            throws InterruptedException {
        long started = System.currentTimeMillis();
        CorpusSplit data = SearchData.load(spec, sc);
        int concurrency = LaunchPolicy.concurrency(spec.budget());
        ProgressReporter progress = new ProgressReporter(out, searchId, spec.budget().maxTrials(),
                spec.budget().spendLimits());
        TrialCosts costs = new TrialCosts(spec.cost(), data.tokenizer().vocabSize(), data.train().length);
        out.println("search " + searchId + ": " + spec.budget().maxTrials() + " trials, " + concurrency
                + " at a time, " + spec.training().workers() + " workers each, " + spec.budget().maxStepsPerTrial()
                + " steps per trial; vocabulary " + data.tokenizer().vocabSize() + " symbols, "
                + data.train().length + " training / " + data.validation().length + " validation tokens"
                + spec.initial().map(init -> "; every trial starts from checkpoint " + init.checkpoint()).orElse("")
                + (warm.isEmpty() ? "" : "; the sampler also learns from " + warm.size() + " warm-start trials"));

        ExecutorService pool = Executors.newFixedThreadPool(concurrency, r -> {
            Thread t = new Thread(r, "trial-" + THREADS.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        EnqueuedTrials enqueued = new EnqueuedTrials(spec, prior.launchedRequests(), out);
        try (EventPublisher publisher = new EventPublisher(bus);
             ControlListener control = ControlListener.listen(bus, searchId, out, enqueued::request)) {
            publisher.publish(LifecycleEvent.searchStarted(searchId, spec.name(), SpecWriter.canonical(spec)));
            publisher.flush();
            // a search cancelled while its driver was down starts no trial, and one enqueued meanwhile runs first
            if (!control.awaitCaughtUp(CONTROL_CATCH_UP)) {
                out.println("warning: control requests on " + bus.controlTopic() + " not read within "
                        + CONTROL_CATCH_UP.toSeconds() + " s; trials start, and stop when a request is read");
            }
            Pruner pruner = Pruners.forSpec(spec);
            Sampler sampler = Samplers.forSpec(spec, warm);
            SearchState state = SearchState.resume(prior, pruner, progress, out);
            SearchCheckpoints checkpoints = new SearchCheckpoints(spec.checkpoints(), bestCompleted(state), out);
            LaunchPolicy launches = new LaunchPolicy(spec.budget(), started, System::currentTimeMillis,
                    control::searchCancelled, progress::budgetExhausted);
            Function<String, Optional<String>> mustStop = trialId -> control.trialStop(trialId).or(() ->
                    launches.pastDeadline() ? Optional.of("search wall-time budget exhausted") : Optional.empty());
            TrialRunner runner = new TrialRunner(sc, new KafkaStepSink(bus), checkpoints);
            TrialExecution execution = new TrialExecution(runner,
                    data, costs, new TrialExecution.Reporting(publisher, progress, metrics),
                    new TrialExecution.Rules(pruner, mustStop, retries));
            if (spec.strategy().type() == StrategyType.PBT) {
                new PopulationRunner(runner, execution, data, publisher, out, pool, fence)
                        .run(spec, searchId, sampler, state, prior);
            } else {
                runSampled(spec, searchId, prior, new Launching(state, launches, enqueued, sampler, publisher,
                        execution, progress), pool);
            }
            LaunchPolicy.Ending ending = launches.ending();
            publisher.publish(LifecycleEvent.searchFinished(searchId, ending.text()));
            publisher.flush();
            out.println("search " + searchId + " " + ending.text() + ": " + progress.statusLine());
            enqueued.notLaunched().ifPresent(left -> out.println("warning: the search ended before these enqueued"
                    + " configurations ran: " + left));
            return new SearchOutcome(searchId, ending.status(), ending.budget(), state.finished(), started,
                    System.currentTimeMillis() - started);
        } catch (ExecutionException e) {
            throw new IllegalStateException("a trial's bookkeeping failed: " + e.getCause().getMessage(), e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    /** What launching a sampled search's trials uses. */
    private record Launching(SearchState state, LaunchPolicy launches, EnqueuedTrials enqueued, Sampler sampler,
                             EventPublisher publisher, TrialExecution execution, ProgressReporter progress) {
    }

    /**
     * A search whose sampler suggests its trials: a resumed search's unfinished trials first, then enqueued and
     * suggested ones while the launch policy allows.
     */
    private void runSampled(SearchSpec spec, String searchId, RecordedSearch prior, Launching l, ExecutorService pool)
            throws InterruptedException, ExecutionException {
        SearchState state = l.state();
        LaunchPolicy launches = l.launches();
        EnqueuedTrials enqueued = l.enqueued();
        Sampler sampler = l.sampler();
        EventPublisher publisher = l.publisher();
        TrialExecution execution = l.execution();
        ProgressReporter progress = l.progress();
        CompletionService<TrialSummary> completed = new ExecutorCompletionService<>(pool);
        int running = 0;
        for (RecordedTrial t : prior.unfinishedTrials()) {
            fence.run();
            TrialPlan plan = plan(spec, searchId, state.indexOf(t.trialId()), state.pending(t.trialId()),
                    t.lastAttempt() + 1);
            String why = t.lastAttempt() == 0 ? null
                    : "resumed: the driver stopped during attempt " + t.lastAttempt();
            completed.submit(() -> execution.run(plan, why));
            running++;
        }
        while (true) {
            while (launches.mayLaunch(running, state.launched(), state.spent())) {
                fence.run();
                Optional<EnqueuedTrials.Trial> queued = enqueued.next(state.launched(), state.history());
                Optional<Hyperparameters> next = queued.map(EnqueuedTrials.Trial::config)
                        .or(() -> metrics.timeSuggestion(() -> sampler.suggest(state.history())));
                if (next.isEmpty()) {
                    launches.spaceExhausted();
                    progress.spaceExhausted(state.launched());
                    break;
                }
                TrialPlan plan = plan(spec, searchId, state.launched(), next.get(), 1);
                publisher.publish(LifecycleEvent.trialCreated(searchId, plan.trialId(), next.get().toMap(),
                        queued.map(EnqueuedTrials.Trial::requestId).orElse(null)));
                state.launch(plan.trialId(), next.get());
                completed.submit(() -> execution.run(plan, null));
                running++;
            }
            if (running == 0) {
                break;
            }
            Future<TrialSummary> done;
            while ((done = completed.poll(FENCE_CHECK.toMillis(), TimeUnit.MILLISECONDS)) == null) {
                fence.run();
            }
            state.finish(done.get());
            running--;
        }
    }

    private static final AtomicInteger THREADS = new AtomicInteger();
    /** How long the search waits for the control requests made before it started to be read. */
    private static final Duration CONTROL_CATCH_UP = Duration.ofSeconds(30);
    /** How often a fenced runner checks its lease while it waits for trials to end. */
    static final Duration FENCE_CHECK = Duration.ofSeconds(1);

    /** The bar a resumed search's next checkpoint must beat under save: best (NaN when nothing completed). */
    private static double bestCompleted(SearchState state) {
        return state.finished().stream().filter(t -> t.result().outcome() == TrialStatus.COMPLETED)
                .mapToDouble(t -> t.result().bestValLoss()).filter(Double::isFinite).min().orElse(Double.NaN);
    }

    static TrialPlan plan(SearchSpec spec, String searchId, int index, Hyperparameters hp, int attempt) {
        var t = spec.training();
        return new TrialPlan(searchId, SearchIds.trialId(index), attempt, hp, spec.budget().maxStepsPerTrial(), t.workers(),
                t.averagingFrequency(), t.evalEvery(), t.evalBatches(),
                (int) spec.space().get(Hyperparameter.BATCH_SIZE.name()).largest(), spec.seed() * 7919 + index,
                spec.initial().map(InitSpec::checkpoint).orElse(null), t.outerOptimizer());
    }
}
