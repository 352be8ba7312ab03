package io.hpo.driver;

import io.hpo.driver.history.RecordedSearch;
import io.hpo.events.LifecycleEvent;
import io.hpo.events.LifecycleType;
import io.hpo.events.TrialAccounting;
import io.hpo.events.TrialStatus;
import io.hpo.worker.trial.TrainingResult;
import io.hpo.space.cost.Spend;
import io.hpo.space.Hyperparameters;
import io.hpo.space.pruner.AshaPruner;
import io.hpo.space.sampler.FinishedTrial;
import io.hpo.space.sampler.Sampler;
import io.hpo.space.sampler.Samplers;
import io.hpo.space.sampler.SearchHistory;
import io.hpo.space.spec.SearchSpec;
import io.hpo.space.spec.SpecLoader;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SearchStateTest {
    private static final TrialAccounting SPENT = new TrialAccounting(1000, 5000,
            new Spend(12.5, 400, 2.4e6, 1e-3, 5e-4, 0.02));

    private static final String SPEC = """
            name: resume
            seed: 11
            data: {source: demo, demo_sentences: 400}
            strategy: {type: %s}
            budget: {max_trials: 6, max_concurrent_trials: 2, max_steps_per_trial: 40, max_tokens: 400}
            training: {eval_every: 10}
            space:
              learning_rate: {choice: [1.0e-3, 2.0e-3, 3.0e-3, 4.0e-3, 5.0e-3, 6.0e-3]}
              width: {choice: [16, 32]}
              heads: 2
            """;

    /**
     * No sampler is replayed on resume: a fresh one, given the resumed state's history, makes the suggestion the
     * stopped driver would have made next; for TPE and GP that is the start-up design's fourth point.
     */
    @Test
    void aResumedSamplerGoesOnWithTheSuggestionsTheStoppedDriverWouldHaveMade() {
        for (String strategy : List.of("random", "grid", "tpe", "gp")) {
            SearchSpec spec = SpecLoader.parse(SPEC.formatted(strategy), "resume.yaml");
            Sampler uninterrupted = Samplers.forSpec(spec);
            List<Hyperparameters> sequence = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                sequence.add(uninterrupted.suggest(new SearchHistory(List.of(), List.copyOf(sequence))).orElseThrow());
            }
            // the driver stopped after creating 3 trials: 2 finished, the third was running
            List<LifecycleEvent> events = new ArrayList<>(List.of(LifecycleEvent.searchStarted("s", "r", "y")));
            for (int i = 0; i < 3; i++) {
                String id = SearchIds.trialId(i);
                events.add(LifecycleEvent.trialCreated("s", id, sequence.get(i).toMap()));
                events.add(LifecycleEvent.trialStarted("s", id, 1, null));
                if (i < 2) {
                    events.add(LifecycleEvent.trialEvaluated("s", id, 1, 40, 2.0 + i, 400));
                    // the first trial's event carries accounting; the second is as older drivers published it
                    LifecycleEvent ended = LifecycleEvent.trialEnded("s", id, 1, LifecycleType.TRIAL_COMPLETED, 40,
                            400, null);
                    events.add(i == 0 ? ended.withAccounting(SPENT) : ended);
                }
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
            SearchState state = SearchState.resume(RecordedSearch.of("s", events), new AshaPruner(10, 2, 0, 40), new ProgressReporter(print, "s", 6, spec.budget().spendLimits()),
                    print);

            assertEquals(3, state.launched(), strategy);
            assertEquals(new Spend(12.5, 400, 2.4e6, 1e-3, 5e-4, 0.02), state.spent(), strategy);
            assertEquals("max_tokens 400 tokens reached: 400 tokens spent",
                    spec.budget().spendExhausted(state.spent()).orElseThrow());
            assertEquals(2, state.finished().size(), strategy);
            assertEquals(sequence.get(2), state.pending(SearchIds.trialId(2)), strategy);
            assertEquals(List.of(sequence.get(0), sequence.get(1)),
                    state.history().finished().stream().map(FinishedTrial::config).toList(), strategy);
            assertEquals(List.of(2.0, 3.0),
                    state.history().finished().stream().map(FinishedTrial::loss).toList(), strategy);
            assertEquals(List.of(sequence.get(2)), state.history().pending(), strategy);
            // a multi-objective sampler learns from recorded spends; the older driver's trial's is not known
            assertEquals(Arrays.asList(SPENT.spend(), null),
                    state.history().finished().stream().map(FinishedTrial::spend).toList(), strategy);
            Sampler resumed = Samplers.forSpec(spec);
            assertEquals(sequence.get(3), resumed.suggest(state.history()).orElseThrow(), strategy);
            assertEquals(sequence.get(4), resumed.suggest(new SearchHistory(state.history().finished(),
                    List.of(sequence.get(2), sequence.get(3)))).orElseThrow(), strategy);
            assertTrue(out.toString(StandardCharsets.UTF_8).contains("2 trials finished before, 1 to run again"));
        }
    }

    /** What a multi-objective sampler learns from: each trial's loss with the spend the driver counted for it. */
    @Test
    void aFinishedTrialReachesTheSamplerWithItsSpend() {
        PrintStream print = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        SearchState state = SearchState.resume(RecordedSearch.none("s"), new AshaPruner(10, 2, 0, 40),
                new ProgressReporter(print, "s", 6, Map.of()), print);
        Hyperparameters hp = Hyperparameters.defaults();
        state.launch("trial-000", hp);
        TrainingResult result = new TrainingResult(TrialStatus.COMPLETED, 40, 400, 2.5, 40, 400, null, 1000);
        state.finish(new TrialSummary("trial-000", hp, result, SPENT.spend(), new TreeMap<>(Map.of(40L, 2.5))));

        FinishedTrial seen = state.history().finished().get(0);
        assertEquals(2.5, seen.loss());
        assertEquals(SPENT.spend(), seen.spend());
        assertEquals(SPENT.spend(), state.spent());
    }

    @Test
    void aResumedPrunerJudgesNewTrialsAgainstTheRecordedOnes() {
        AshaPruner pruner = new AshaPruner(10, 2, 0, 40);
        SearchSpec spec = SpecLoader.parse(SPEC.formatted("random"), "resume.yaml");
        Hyperparameters hp = Samplers.forSpec(spec).suggest(SearchHistory.empty()).orElseThrow();
        List<LifecycleEvent> events = new ArrayList<>(List.of(LifecycleEvent.searchStarted("s", "r", "y")));
        for (int i = 0; i < 2; i++) {
            String id = SearchIds.trialId(i);
            events.add(LifecycleEvent.trialCreated("s", id, hp.toMap()));
            events.add(LifecycleEvent.trialEvaluated("s", id, 1, 10, 1.0 + i, 100));
            events.add(LifecycleEvent.trialEnded("s", id, 1, LifecycleType.TRIAL_COMPLETED, 40, 400, null));
        }
        PrintStream print = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        SearchState state = SearchState.resume(RecordedSearch.of("s", events), pruner, new ProgressReporter(print, "s", 6, Map.of()), print);
        // rung 0 holds 1.0 and 2.0: a third trial at 3.0 ranks last of 3 and only the best 1 goes on
        assertTrue(pruner.report("trial-002", 10, 3.0).prune());
        assertFalse(pruner.report("trial-003", 10, 0.5).prune());
        // the sampler sees the same evaluations, for multi_fidelity
        assertEquals(List.of(Map.of(10L, 1.0), Map.of(10L, 2.0)),
                state.history().finished().stream().map(FinishedTrial::evaluations).toList());
    }
}
