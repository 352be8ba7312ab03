package io.hpo.space.sampler;

import io.hpo.space.Hyperparameters;
import io.hpo.space.spec.SearchSpec;
import io.hpo.space.spec.SpecLoader;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RandomSamplerTest {
    /** Widths, heads and layers with 15 feasible configurations. */
    private static final String FINITE = """
            name: finite
            space:
              width: {choice: [32, 48]}
              heads: {choice: [2, 3, 4]}
              layers: {int: [1, 3]}
            """;


    private static final SearchSpec DEMO = SpecLoader.load(Path.of("..", "examples", "demo.yaml"));

    private static List<Hyperparameters> draw(Sampler sampler, int n) {
        List<Hyperparameters> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(sampler.suggest(SearchHistory.empty()).orElseThrow());
        }
        return out;
    }

    @Test
    void sameSeedGivesTheSameSequence() {
        List<Hyperparameters> first = draw(new RandomSampler(SamplingSpace.of(DEMO)), 30);
        List<Hyperparameters> second = draw(Samplers.forSpec(DEMO), 30);
        SearchSpec reseeded = SpecLoader.parse(DEMO.yaml().replace("seed: 42", "seed: 43"), "reseeded");

        assertEquals(first, second);
        assertNotEquals(first, draw(new RandomSampler(SamplingSpace.of(reseeded)), 30));
        assertEquals(30, new HashSet<>(first).size());
    }

    @Test
    void staysInsideEveryRange() {
        for (Hyperparameters hp : draw(new RandomSampler(SamplingSpace.of(DEMO)), 500)) {
            assertTrue(hp.learningRate() >= 3.0e-4 && hp.learningRate() <= 5.0e-3, hp.toString());
            assertTrue(hp.warmupSteps() >= 0 && hp.warmupSteps() <= 20, hp.toString());
            assertTrue(hp.dropout() >= 0 && hp.dropout() <= 0.1, hp.toString());
            assertTrue(hp.weightDecay() >= 1.0e-5 && hp.weightDecay() <= 1.0e-2, hp.toString());
            assertTrue(hp.layers() == 1 || hp.layers() == 2, hp.toString());
            assertTrue(List.of(32, 48, 64).contains(hp.width()), hp.toString());
            assertTrue(List.of(8, 16).contains(hp.batchSize()), hp.toString());
            assertEquals(32, hp.seqLength());
            assertEquals(0, hp.width() % hp.heads());
        }
    }

    @Test
    void honoursConstraintsIncludingTheImplicitOne() {
        SearchSpec spec = SpecLoader.parse("""
                name: constrained
                seed: 5
                space:
                  learning_rate: {log_uniform: [1.0e-4, 1.0e-2]}
                  width: {choice: [24, 32, 40]}
                  heads: {choice: [1, 2, 3, 4, 8]}
                  layers: {int: [1, 4]}
                  warmup_steps: {int: [0, 200]}
                constraints:
                  - heads <= layers
                  - warmup_steps < 100
                """, "inline");

        for (Hyperparameters hp : draw(new RandomSampler(SamplingSpace.of(spec)), 300)) {
            assertEquals(0, hp.width() % hp.heads(), hp.toString());
            assertTrue(hp.heads() <= hp.layers(), hp.toString());
            assertTrue(hp.warmupSteps() < 100, hp.toString());
        }
    }

    @Test
    void suggestsEachConfigurationOfAFiniteSpaceOnceThenEnds() {
        SearchSpec spec = SpecLoader.parse(FINITE, "inline");
        RandomSampler sampler = new RandomSampler(SamplingSpace.of(spec));
        // width 32 with heads 3 is infeasible: (2*3 - 1) * 3 layers = 15 configurations
        assertEquals(15, sampler.remainingCount());

        Set<Hyperparameters> seen = new HashSet<>();
        Optional<Hyperparameters> next;
        while ((next = sampler.suggest(SearchHistory.empty())).isPresent()) {
            assertTrue(seen.add(next.get()), "repeated " + next.get());
        }

        assertEquals(15, seen.size());
        assertEquals(Optional.empty(), sampler.suggest(SearchHistory.empty()));
    }

    @Test
    void neverSuggestsWhatTheHistoryHoldsAndEndsWithTheConfigurationsLeft() {
        SearchSpec spec = SpecLoader.parse(FINITE, "inline");
        // 10 of the 15 configurations, tried by another seed's draws: not a prefix of this sampler's own
        List<Hyperparameters> tried = draw(new RandomSampler(SamplingSpace.of(
                SpecLoader.parse(spec.yaml() + "seed: 99\n", "reseeded"))), 10);
        RandomSampler sampler = new RandomSampler(SamplingSpace.of(spec));
        SearchHistory history = new SearchHistory(List.of(new FinishedTrial(tried.get(0), 1.0, 100)),
                tried.subList(1, tried.size()));

        Hyperparameters first = sampler.suggest(history).orElseThrow();
        assertEquals(4, sampler.remainingCount());
        List<Hyperparameters> all = new ArrayList<>(tried);
        all.add(first);
        Optional<Hyperparameters> next;
        while ((next = sampler.suggest(new SearchHistory(List.of(), all))).isPresent()) {
            all.add(next.get());
        }

        assertEquals(15, all.size());
        assertEquals(15, new HashSet<>(all).size(), "no configuration twice");
    }

    @Test
    void doesNotRepeatInADiscreteSpaceTooLargeToList() {
        // 120,002 combinations, 100 of them feasible: without skipping, 40 draws repeat some
        SearchSpec spec = SpecLoader.parse("""
                name: large
                seed: 1
                space:
                  warmup_steps: {int: [0, 60000]}
                  layers: {int: [1, 2]}
                constraints:
                  - warmup_steps < 50
                """, "inline");
        RandomSampler sampler = new RandomSampler(SamplingSpace.of(spec));
        assertEquals(-1, sampler.remainingCount());

        List<Hyperparameters> suggested = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            suggested.add(sampler.suggest(new SearchHistory(List.of(), suggested)).orElseThrow());
        }

        assertEquals(40, new HashSet<>(suggested).size());
    }

    @Test
    void failsClearlyWhenConstraintsAreTooTightToSample() {
        // feasible (dropout 0 exists), but a continuous draw never hits exactly 0
        SearchSpec spec = SpecLoader.parse("""
                name: tight
                space:
                  dropout: {uniform: [0.0, 0.5]}
                constraints:
                  - dropout <= 0
                """, "inline");

        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> new RandomSampler(SamplingSpace.of(spec)).suggest(SearchHistory.empty()));

        assertTrue(e.getMessage().contains("dropout <= 0"), e.getMessage());
    }
}
