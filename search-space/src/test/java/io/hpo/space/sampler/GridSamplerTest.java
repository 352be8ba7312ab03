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
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GridSamplerTest {

    /** Every suggestion, each asked with the earlier ones running, as the driver asks. */
    private static List<Hyperparameters> drain(Sampler sampler) {
        List<Hyperparameters> out = new ArrayList<>();
        Optional<Hyperparameters> next;
        while ((next = sampler.suggest(running(out))).isPresent()) {
            out.add(next.get());
        }
        return out;
    }

    private static SearchHistory running(List<Hyperparameters> configs) {
        return new SearchHistory(List.of(), configs);
    }

    @Test
    void enumeratesTheFullProductThenStops() {
        SearchSpec spec = SpecLoader.parse("""
                name: grid
                strategy:
                  type: grid
                  grid_points: 3
                space:
                  learning_rate: {log_uniform: [1.0e-4, 1.0e-2]}
                  layers: {int: [1, 3]}
                  warmup_steps: {int: [0, 100]}
                  width: {choice: [32, 64]}
                  heads: {choice: [2, 4]}
                """, "inline");
        GridSampler sampler = (GridSampler) Samplers.forSpec(spec);

        List<Hyperparameters> all = drain(sampler);

        assertEquals(3 * 3 * 3 * 2 * 2, sampler.gridSize());
        assertEquals(sampler.gridSize(), all.size());
        assertEquals(all.size(), new HashSet<>(all).size());
        assertEquals(Optional.empty(), sampler.suggest(running(all)));
        Set<Double> rates = new TreeSet<>();
        Set<Integer> layers = new TreeSet<>();
        Set<Integer> warmups = new TreeSet<>();
        all.forEach(hp -> {
            rates.add(hp.learningRate());
            layers.add(hp.layers());
            warmups.add(hp.warmupSteps());
        });
        assertEquals(3, rates.size());
        assertTrue(rates.contains(1.0e-4) && rates.contains(1.0e-2), rates.toString());
        assertEquals(Set.of(1, 2, 3), layers);
        assertEquals(Set.of(0, 50, 100), warmups);
    }

    @Test
    void skipsInfeasiblePoints() {
        SearchSpec spec = SpecLoader.parse("""
                name: grid
                strategy:
                  type: grid
                space:
                  width: {choice: [32, 48]}
                  heads: {choice: [2, 3]}
                  layers: {int: [1, 2]}
                constraints:
                  - heads <= layers
                """, "inline");

        List<Hyperparameters> all = drain(new GridSampler(SamplingSpace.of(spec), spec.strategy().gridPoints()));

        // feasible: (32,2,2), (48,2,2); heads 3 needs layers >= 3
        assertEquals(2, all.size());
        all.forEach(hp -> assertEquals(2, hp.heads()));
    }

    @Test
    void walksTheFullExample() {
        SearchSpec spec = SpecLoader.load(Path.of("..", "examples", "full.yaml"));

        List<Hyperparameters> all = drain(Samplers.forSpec(spec));

        SamplingSpace sampling = SamplingSpace.of(spec);
        assertTrue(all.stream().allMatch(hp -> sampling.feasible(hp.toMap()).isPresent()));
        // 3 rates * 3 warmups (0, 15, 30; 30 breaks warmup_steps <= 20) * 2 schedules * 3 dropouts * 2 layers
        // * 3 (width, heads): heads 4 only at width 64, so the grid's (32, 4) is (32, 2) once more
        assertEquals(3 * 2 * 2 * 3 * 2 * 3, all.size());
        assertTrue(all.stream().anyMatch(hp -> hp.heads() == 4));
        assertTrue(all.stream().filter(hp -> hp.width() == 32).allMatch(hp -> hp.heads() == 2));
    }
}
