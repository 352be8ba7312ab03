package io.hpo.driver;

import io.hpo.driver.history.RecordedSearch;
import io.hpo.driver.history.RecordedTrial;
import io.hpo.events.LifecycleEvent;
import io.hpo.events.LifecycleSink;
import io.hpo.events.TrialStatus;
import io.hpo.space.Hyperparameters;
import io.hpo.space.pbt.PopulationBasedTraining;
import io.hpo.space.pruner.PruneDecision;
import io.hpo.space.sampler.Sampler;
import io.hpo.space.sampler.SamplingSpace;
import io.hpo.space.spec.PbtSpec;
import io.hpo.space.spec.SearchSpec;
import io.hpo.worker.checkpoint.PopulationSnapshots;
import io.hpo.worker.data.CorpusSplit;
import io.hpo.worker.trial.ModelState;
import io.hpo.worker.trial.TrainingResult;
import io.hpo.worker.trial.TrialPlan;
import io.hpo.worker.trial.TrialRunner;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

/**
 * Runs a search of strategy type pbt ({@link PopulationBasedTraining}): its members, trial-000 onwards, drawn by the
 * sampler and all started at once, train interval by interval, {@code exploit_every} steps each (the last interval
 * ends at max_steps_per_trial), up to max_concurrent_trials members at a time, each interval Spark jobs as any
 * trial's rounds ({@link TrialRunner#trainInterval}) ending with an evaluation. After every interval but the last, the
 * rule picks the members that take over a donor's model and optimizer state, which the driver holds between
 * intervals and saves at each boundary ({@link PopulationSnapshots}, the latest only) for a resumed driver, and go on
 * with explored hyperparameters, each published as TRIAL_EXPLOITED before the next interval;
 * step numbers run on per member, so its curve stays one curve. A member that diverges, fails or is stopped
 * (cancelled, out of wall time) ends there and leaves the population; the others complete at max_steps_per_trial.
 * A member whose executor was lost trains its interval again from the state it started with, while its retries
 * (hpo.trial.retries, over the driver run) last ({@link TrialExecution#interval}).
 */
final class PopulationRunner {
    private final TrialRunner runner;
    private final TrialExecution execution;
    private final CorpusSplit data;
    private final LifecycleSink events;
    private final PrintStream out;
    private final ExecutorService pool;
    private final Runnable fence;

    PopulationRunner(TrialRunner runner, TrialExecution execution, CorpusSplit data, LifecycleSink events,
                     PrintStream out, ExecutorService pool, Runnable fence) {
        this.runner = runner;
        this.execution = execution;
        this.data = data;
        this.events = events;
        this.out = out;
        this.pool = pool;
        this.fence = fence;
    }

    /**
     * Trains the population to its end, recording each member's end in {@code state}. A search recorded before
     * ({@code prior}) goes on from its snapshot: the saved boundary's exploits are decided again (the same
     * decisions, published under the same event ids), members recorded as ended stay ended, and the others train on
     * from the boundary with their attempt, so the steps and evaluations they redo carry the keys the store already
     * holds. Without a snapshot (stopped before the first boundary) the members start again as their next attempt.
     */
    void run(SearchSpec spec, String searchId, Sampler sampler, SearchState state, RecordedSearch prior)
            throws InterruptedException, ExecutionException {
        PbtSpec pbt = spec.strategy().pbt();
        PopulationBasedTraining rule = new PopulationBasedTraining(SamplingSpace.of(spec), pbt);
        PopulationSnapshots snapshots = new PopulationSnapshots(spec.checkpoints(), searchId);
        Optional<PopulationSnapshots.Snapshot> saved = prior.exists() ? snapshots.read() : Optional.empty();
        Map<String, Member> alive = new LinkedHashMap<>();
        long from = 0;
        if (saved.isPresent()) {
            from = saved.get().step();
            for (PopulationSnapshots.Member m : saved.get().members()) {
                alive.put(m.trialId(), new Member(SearchRunner.plan(spec, searchId, state.indexOf(m.trialId()),
                        m.hyperparameters(), m.attempt()), m));
            }
            exploit(rule, searchId, from, alive);
            Set<String> ended = ended(prior);
            alive.keySet().removeAll(ended);
            for (RecordedTrial t : prior.unfinishedTrials()) {
                if (!alive.containsKey(t.trialId())) {
                    throw new IllegalStateException("search " + searchId + ": trial " + t.trialId() + " has not"
                            + " ended but is not in the population saved at step " + from + " in " + snapshots.file());
                }
            }
            out.println("resuming " + searchId + " from the population saved at step " + from + ": "
                    + alive.size() + " members train on, " + ended.size() + " had ended");
            String why = "resumed: the driver stopped after step " + from;
            alive.values().forEach(m -> execution.started(m.plan, why));
        } else {
            for (RecordedTrial t : prior.unfinishedTrials()) {
                alive.put(t.trialId(), new Member(SearchRunner.plan(spec, searchId, state.indexOf(t.trialId()),
                        state.pending(t.trialId()), t.lastAttempt() + 1)));
            }
            for (int i = prior.trials().size(); i < pbt.population(); i++) {
                fence.run();
                Optional<Hyperparameters> hp = sampler.suggest(state.history());
                if (hp.isEmpty()) {
                    out.println("warning: the space holds only " + i + " configurations: the population has "
                            + i + " members instead of " + pbt.population());
                    break;
                }
                TrialPlan plan = SearchRunner.plan(spec, searchId, i, hp.get(), 1);
                events.publish(LifecycleEvent.trialCreated(searchId, plan.trialId(), hp.get().toMap()));
                state.launch(plan.trialId(), hp.get());
                alive.put(plan.trialId(), new Member(plan));
            }
            alive.values().forEach(m -> execution.started(m.plan, m.plan.attempt() == 1 ? null
                    : "resumed: the driver stopped during attempt " + (m.plan.attempt() - 1)
                    + " before the population's first exploit"));
        }
        int maxSteps = spec.budget().maxStepsPerTrial();
        for (; !alive.isEmpty(); from += pbt.exploitEvery()) {
            long to = Math.min(from + pbt.exploitEvery(), maxSteps);
            train(alive.values(), from, to);
            for (Member m : List.copyOf(alive.values())) {
                if (m.result.outcome() != TrialStatus.COMPLETED || to == maxSteps) {
                    alive.remove(m.plan.trialId());
                    // priced by its intervals' time: between them it holds no worker while the others train
                    state.finish(execution.ended(m.plan, m.result, null, m.result.wallTimeMs(), m.evaluations));
                }
            }
            if (!alive.isEmpty()) {
                // before the exploits: none is published unless its boundary is saved, so a resumed driver that
                // decides them again from the saved losses publishes the same ones
                snapshots.save(new PopulationSnapshots.Snapshot(to, alive.values().stream().map(Member::saved)
                        .toList()));
            }
            exploit(rule, searchId, to, alive);
        }
        snapshots.remove();
    }

    /** The members whose terminal event the lifecycle topic holds. */
    private static Set<String> ended(RecordedSearch prior) {
        return prior.finishedTrials().stream().map(RecordedTrial::trialId).collect(Collectors.toSet());
    }

    /** Every member's interval from {@code from} to {@code to}, on the pool. */
    private void train(Iterable<Member> members, long from, long to)
            throws InterruptedException, ExecutionException {
        CompletionService<Member> done = new ExecutorCompletionService<>(pool);
        int running = 0;
        for (Member m : members) {
            done.submit(() -> m.train(from, to), m);
            running++;
        }
        for (; running > 0; running--) {
            Future<Member> finished;
            while ((finished = done.poll(SearchRunner.FENCE_CHECK.toMillis(), TimeUnit.MILLISECONDS)) == null) {
                fence.run();
            }
            // a member's training failures are its result; what is thrown here is the bookkeeping's own
            finished.get();
        }
    }

    private void exploit(PopulationBasedTraining rule, String searchId, long step, Map<String, Member> alive) {
        if (alive.size() < 2) {
            return;
        }
        List<PopulationBasedTraining.Member> ranked = alive.values().stream().map(m ->
                new PopulationBasedTraining.Member(m.plan.trialId(), m.plan.hyperparameters(),
                        m.evaluations.getOrDefault(step, Double.NaN))).toList();
        for (PopulationBasedTraining.Exploitation x : rule.exploit(step, ranked)) {
            Member member = alive.get(x.member());
            Member donor = alive.get(x.donor());
            events.publish(LifecycleEvent.trialExploited(searchId, x.member(), x.donor(), step,
                    x.before().toMap(), x.after().toMap(), x.changes()));
            out.println("trial " + x.member() + " takes over " + x.donor() + "'s state at step " + step + " and goes"
                    + " on with " + x.after().toMap() + (x.changes().isEmpty() ? "" : " (" + x.changes() + ")"));
            member.plan = member.plan.withHyperparameters(x.after());
            member.state = donor.state;
        }
        events.flush();
    }

    /** One member between intervals: its plan (current hyperparameters), its state and its result so far. */
    private final class Member {
        private final NavigableMap<Long, Double> evaluations = new TreeMap<>();
        private final AtomicInteger retriesLeft = new AtomicInteger(execution.retries());
        private TrialPlan plan;
        private ModelState state;
        private TrainingResult result;

        Member(TrialPlan plan) {
            this.plan = plan;
        }

        /** A member as a snapshot saved it, with the plan it trains on with. */
        Member(TrialPlan plan, PopulationSnapshots.Member saved) {
            this.plan = plan;
            this.state = saved.state();
            this.result = saved.result();
            this.evaluations.putAll(saved.evaluations());
        }

        PopulationSnapshots.Member saved() {
            return new PopulationSnapshots.Member(plan.trialId(), plan.attempt(), plan.hyperparameters(), state,
                    result, evaluations);
        }

        void train(long from, long to) {
            AtomicReference<PruneDecision> pruned = new AtomicReference<>();
            ModelState start = state;
            TrialRunner.TrainedInterval trained = execution.interval(plan, retriesLeft, () -> runner.trainInterval(
                    plan, data, start, from, to, execution.observer(plan, evaluations, pruned),
                    execution.stop(plan.trialId(), pruned)));
            state = trained.state();
            result = result == null ? trained.result() : trained.result().following(result);
        }
    }
}
