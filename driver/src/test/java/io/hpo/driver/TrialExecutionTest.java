package io.hpo.driver;

import io.hpo.events.LifecycleEvent;
import io.hpo.events.LifecycleType;
import io.hpo.events.TrialStatus;
import io.hpo.space.Hyperparameters;
import io.hpo.space.ModelSize;
import io.hpo.space.cost.CostSpec;
import io.hpo.space.pruner.NoPruner;
import io.hpo.space.pruner.PruneDecision;
import io.hpo.space.pruner.Pruner;
import io.hpo.worker.data.CorpusSplit;
import io.hpo.worker.data.QuestionFormationCorpus;
import io.hpo.worker.trial.StopSignal;
import io.hpo.worker.trial.TrainingResult;
import io.hpo.worker.trial.TrialObserver;
import io.hpo.worker.trial.TrialPlan;
import io.hpo.worker.trial.TrialRunner;
import io.hpo.worker.trial.TrialTraining;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A trial's lifecycle around a scripted stand-in for its training: no Spark, no broker. */
class TrialExecutionTest {
    private static final Hyperparameters HP = Hyperparameters.defaults();
    private static final TrialPlan PLAN = new TrialPlan("s", "trial-000", 1, HP, 100, 2, 5, 10, 1, 1);
    private static final CorpusSplit DATA = CorpusSplit.ofLines(QuestionFormationCorpus.generate(40, 1), 0.1, 1);
    private static final int VOCABULARY = 31;
    private static final String EXECUTOR_LOST = "Job aborted: ExecutorLostFailure (executor 1 exited)";

    private final RecordingLifecycleSink events = new RecordingLifecycleSink();
    private final DriverMetrics metrics = new DriverMetrics();

    @AfterEach
    void close() {
        metrics.close();
    }

    private TrialExecution execution(TrialTraining training, Pruner pruner,
                                     Function<String, Optional<String>> mustStop, int retries) {
        ProgressReporter progress = new ProgressReporter(new PrintStream(OutputStream.nullOutputStream()), "s", 1,
                Map.of());
        return new TrialExecution(training, DATA, new TrialCosts(new CostSpec(200, 300, 0.9), VOCABULARY, 150_000),
                new TrialExecution.Reporting(events, progress, metrics),
                new TrialExecution.Rules(pruner, mustStop, retries));
    }

    private static Optional<String> goOn(String trialId) {
        return Optional.empty();
    }

    private List<LifecycleType> types() {
        return events.published().stream().map(LifecycleEvent::type).toList();
    }

    private LifecycleEvent last() {
        List<LifecycleEvent> all = events.published();
        return all.get(all.size() - 1);
    }

    @Test
    void aLostExecutorRunsTheTrialAgainAsItsNextAttemptAndItsEndCarriesTheAccounting() {
        ScriptedTraining training = new ScriptedTraining(
                (observer, stop) -> {
                    throw new IllegalStateException(EXECUTOR_LOST);
                },
                (observer, stop) -> {
                    observer.evaluated(10, 2.5, 1_000);
                    return new TrainingResult(TrialStatus.COMPLETED, 20, 2_000, 2.5, 10, 1_000, null, 5);
                });
        TrialSummary summary = execution(training, new NoPruner(), TrialExecutionTest::goOn, 1).run(PLAN, null);

        assertEquals(List.of(1, 2), training.attempts);
        assertEquals(List.of(LifecycleType.TRIAL_STARTED, LifecycleType.TRIAL_STARTED, LifecycleType.TRIAL_EVALUATED,
                LifecycleType.TRIAL_COMPLETED), types());
        LifecycleEvent second = events.published().get(1);
        assertEquals(2, second.attempt());
        assertTrue(second.reason().startsWith("attempt 1 lost an executor: "), second.reason());
        LifecycleEvent ended = last();
        assertEquals(2, ended.attempt());
        assertEquals(20, ended.ending().step());
        assertEquals(2_000, ended.ending().tokensSeen());
        assertEquals(ModelSize.parameters(HP, VOCABULARY), ended.ending().accounting().parameters());
        assertEquals(150_000, ended.ending().accounting().trainingTokens());
        assertEquals(2_000, ended.ending().accounting().spend().tokens());
        assertEquals(TrialStatus.COMPLETED, summary.result().outcome());
        assertEquals(ended.ending().accounting().spend(), summary.spend());
        assertEquals(0, events.unflushed(), "the terminal event is delivered before the trial counts as ended");
    }

    @Test
    void theSummaryKeepsTheLastAttemptsEvaluationsForTheSampler() {
        ScriptedTraining training = new ScriptedTraining(
                (observer, stop) -> {
                    observer.evaluated(10, 9.0, 1_000);
                    throw new IllegalStateException(EXECUTOR_LOST);
                },
                (observer, stop) -> {
                    observer.evaluated(10, 2.5, 1_000);
                    observer.evaluated(20, 2.25, 2_000);
                    return new TrainingResult(TrialStatus.COMPLETED, 20, 2_000, 2.25, 20, 2_000, null, 5);
                });
        TrialSummary summary = execution(training, new NoPruner(), TrialExecutionTest::goOn, 1).run(PLAN, null);

        assertEquals(Map.of(10L, 2.5, 20L, 2.25), summary.evaluations());
    }

    @Test
    void withoutRetriesLeftALostExecutorFailsTheTrial() {
        ScriptedTraining training = new ScriptedTraining((observer, stop) -> {
            throw new IllegalStateException(EXECUTOR_LOST);
        });
        execution(training, new NoPruner(), TrialExecutionTest::goOn, 0).run(PLAN, null);

        assertEquals(List.of(LifecycleType.TRIAL_STARTED, LifecycleType.TRIAL_FAILED), types());
        String reason = last().ending().reason();
        assertTrue(reason.startsWith("attempt 1 lost an executor: ")
                && reason.endsWith("(no retries left: hpo.trial.retries=0)"), reason);
    }

    @Test
    void aPrunedEvaluationCancelsTheTrialsJobsAndEndsItPrunedAtItsRung() {
        List<String> ended = new ArrayList<>();
        Pruner pruneFirst = new Pruner() {
            @Override
            public PruneDecision report(String trialId, long step, double loss) {
                return PruneDecision.prune(1, "worse than the rung's best half");
            }

            @Override
            public void trialEnded(String trialId) {
                ended.add(trialId);
            }
        };
        ScriptedTraining training = new ScriptedTraining((observer, stop) -> {
            observer.evaluated(10, 3.0, 1_000);
            StopSignal.StopRequest request = stop.poll().orElseThrow();
            return new TrainingResult(request.outcome(), 10, 1_000, 3.0, 10, 1_000, request.reason(), 5);
        });
        execution(training, pruneFirst, TrialExecutionTest::goOn, 1).run(PLAN, null);

        assertEquals(List.of(PLAN), training.cancelled);
        assertEquals(List.of(LifecycleType.TRIAL_STARTED, LifecycleType.TRIAL_EVALUATED, LifecycleType.TRIAL_PRUNED),
                types());
        assertEquals(1, last().ending().rung());
        assertEquals("worse than the rung's best half", last().ending().reason());
        assertEquals(List.of("trial-000"), ended);
    }

    @Test
    void aResumedTrialSaysWhyItRunsAgainAndAStopReasonEndsItFailed() {
        ScriptedTraining training = new ScriptedTraining((observer, stop) -> {
            StopSignal.StopRequest request = stop.poll().orElseThrow();
            return new TrainingResult(request.outcome(), 0, 0, Double.NaN, 0, 0, request.reason(), 5);
        });
        execution(training, new NoPruner(), trialId -> Optional.of("search wall-time budget exhausted"), 1)
                .run(PLAN.nextAttempt(), "resumed: the driver stopped during attempt 1");

        assertEquals(List.of(LifecycleType.TRIAL_STARTED, LifecycleType.TRIAL_FAILED), types());
        assertEquals("resumed: the driver stopped during attempt 1", events.published().get(0).reason());
        assertEquals(2, last().attempt());
        assertEquals("search wall-time budget exhausted", last().ending().reason());
        assertNull(last().ending().rung());
    }

    @Test
    void aMembersIntervalThatLostAnExecutorTrainsAgainAsTheSameAttemptWhileItsRetriesLast() {
        TrialRunner.TrainedInterval done = new TrialRunner.TrainedInterval(
                new TrainingResult(TrialStatus.COMPLETED, 20, 2_000, 2.5, 10, 1_000, null, 5), null);
        AtomicInteger runs = new AtomicInteger();
        AtomicInteger retriesLeft = new AtomicInteger(2);
        TrialRunner.TrainedInterval trained = execution(new ScriptedTraining(), new NoPruner(),
                TrialExecutionTest::goOn, 2).interval(PLAN, retriesLeft, () -> {
                    if (runs.incrementAndGet() == 1) {
                        throw new IllegalStateException(EXECUTOR_LOST);
                    }
                    return done;
                });

        assertSame(done, trained);
        assertEquals(2, runs.get());
        assertEquals(1, retriesLeft.get(), "the member's retries last over its intervals");
        assertEquals(List.of(), types(), "the interval stays its attempt: no new start is published");
    }

    @Test
    void aMembersIntervalFailsWhenItsRetriesAreSpentOrTheFailureIsNotALostExecutor() {
        AtomicInteger runs = new AtomicInteger();
        TrialExecution execution = execution(new ScriptedTraining(), new NoPruner(), TrialExecutionTest::goOn, 1);
        TrialRunner.TrainedInterval spent = execution.interval(PLAN, new AtomicInteger(0), () -> {
            runs.incrementAndGet();
            throw new IllegalStateException(EXECUTOR_LOST);
        });
        TrialRunner.TrainedInterval broken = execution.interval(PLAN, new AtomicInteger(1), () -> {
            runs.incrementAndGet();
            throw new IllegalStateException("boom");
        });

        assertEquals(2, runs.get(), "neither ran again");
        assertEquals(TrialStatus.FAILED, spent.result().outcome());
        assertNull(spent.state());
        assertTrue(spent.result().reason().startsWith("attempt 1 lost an executor: ")
                && spent.result().reason().endsWith("(no retries left: hpo.trial.retries=1)"), spent.result().reason());
        assertEquals(TrialStatus.FAILED, broken.result().outcome());
        assertTrue(broken.result().reason().contains("boom"), broken.result().reason());
    }

    /** One attempt of the stand-in training. */
    @FunctionalInterface
    private interface Attempt {
        TrainingResult run(TrialObserver observer, StopSignal stop);
    }

    /** Runs each attempt with the next script; remembers the attempts it ran and the plans it was told to cancel. */
    private final class ScriptedTraining implements TrialTraining {
        private final List<Attempt> scripts;
        private final List<Integer> attempts = new ArrayList<>();
        private final List<TrialPlan> cancelled = new ArrayList<>();

        ScriptedTraining(Attempt... scripts) {
            this.scripts = List.of(scripts);
        }

        @Override
        public TrainingResult run(TrialPlan plan, CorpusSplit data, TrialObserver observer, StopSignal stop) {
            assertEquals(LifecycleType.TRIAL_STARTED, last().type());
            observer.aboutToTrain();
            assertEquals(0, events.unflushed(), "an attempt's start is delivered before it trains");
            attempts.add(plan.attempt());
            return scripts.get(attempts.size() - 1).run(observer, stop);
        }

        @Override
        public void cancel(TrialPlan plan) {
            cancelled.add(plan);
        }
    }
}
