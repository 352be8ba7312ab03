package io.hpo.space.warm;

import io.hpo.space.Hyperparameters;
import io.hpo.space.sampler.FinishedTrial;
import io.hpo.space.spec.SearchSpec;
import io.hpo.space.spec.SpecLoader;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which earlier trials a warm start keeps, and how it fills what they lack. */
class WarmStartTest {

    private static final SearchSpec NEW = SpecLoader.parse("""
            name: b
            strategy: {type: tpe}
            space:
              learning_rate: {log_uniform: [1.0e-4, 1.0e-2]}
              width: {choice: [32, 64]}
              heads: {choice: [2, 4]}
              layers: {int: [1, 3]}
              schedule: {choice: [constant, linear]}
              warmup_steps: {int: [5, 9], when: {schedule: [linear]}, otherwise: 0}
              seq_length: 32
            constraints:
              - layers <= 2
            """, "b.yaml");

    /** A configuration inside NEW's space, as the results store's JSON gives it back. */
    private static Map<String, Object> stored(Object... overrides) {
        Map<String, Object> values = new HashMap<>(Hyperparameters.defaults().toMap());
        values.putAll(Map.of("learning_rate", 1.0e-3, "width", 64, "heads", 4, "layers", 2, "schedule", "constant",
                "warmup_steps", 0, "seq_length", 32));
        for (int i = 0; i < overrides.length; i += 2) {
            if (overrides[i + 1] == null) {
                values.remove((String) overrides[i]);
            } else {
                values.put((String) overrides[i], overrides[i + 1]);
            }
        }
        return values;
    }

    private static EarlierTrial ended(String id, Map<String, Object> config, double loss) {
        return new EarlierTrial(id, config, true, loss, 40, new TreeMap<>(Map.of(20L, loss + 0.5, 40L, loss)));
    }

    @Test
    void keepsEndedTrialsInsideTheNewSpaceWithTheirLossesAndEvaluations() {
        EarlierTrial inside = ended("trial-000", stored(), 1.7);
        EarlierTrial diverged = ended("trial-001", stored("learning_rate", 9.0e-3), Double.NaN);
        EarlierTrial running = new EarlierTrial("trial-002", stored(), false, 2.5, 10, new TreeMap<>());

        WarmStart warm = WarmStart.map("a", List.of(inside, running, diverged), NEW);

        assertEquals(2, warm.trials().size());
        FinishedTrial first = warm.trials().get(0);
        assertEquals(Hyperparameters.fromMap(stored()), first.config());
        assertEquals(1.7, first.loss());
        assertEquals(40, first.steps());
        assertEquals(Map.of(20L, 2.2, 40L, 1.7), first.evaluations());
        assertTrue(Double.isNaN(warm.trials().get(1).loss()), "a trial without a finite loss still teaches");
        assertEquals(0, warm.outside());
        assertEquals(1, warm.unfinished());
        assertEquals("warm start: 2 trials from a (1 unfinished skipped)", warm.summary());
    }

    @Test
    void dropsTrialsTheNewSpaceCouldNotHaveSuggested() {
        List<EarlierTrial> earlier = List.of(
                ended("range", stored("learning_rate", 2.0e-2), 1.0),
                ended("choice", stored("width", 48), 1.0),
                ended("fixed", stored("seq_length", 64), 1.0),
                ended("integer range", stored("layers", 4), 1.0),
                ended("constraint", stored("layers", 3), 1.0),
                ended("inactive conditional off its otherwise", stored("warmup_steps", 3), 1.0),
                ended("active conditional out of range", stored("schedule", "linear", "warmup_steps", 20), 1.0),
                ended("not a configuration", stored("width", 30, "heads", 4), 1.0),
                ended("no configuration", Map.of(), 1.0),
                ended("kept: range end", stored("learning_rate", 1.0e-2), 1.0),
                ended("kept: active conditional", stored("schedule", "linear", "warmup_steps", 7), 1.0));

        WarmStart warm = WarmStart.map("a", earlier, NEW);

        assertEquals(9, warm.outside());
        assertEquals(2, warm.trials().size());
        assertEquals("warm start: 2 trials from a (9 outside the new space dropped)", warm.summary());
    }

    @Test
    void aMissingHyperparameterTakesTheNewSpacesFixedValueButDropsTheTrialWhereItIsSearched() {
        assertEquals(32, WarmStart.inNewSpace(stored("seq_length", null), NEW).orElseThrow().seqLength());
        assertFalse(WarmStart.inNewSpace(stored("layers", null), NEW).isPresent());
    }

    @Test
    void keepsOnlyTheHyperparametersTheProjectHas() {
        Map<String, Object> withRetired = stored("retired_knob", 3);

        assertEquals(Hyperparameters.fromMap(stored()), WarmStart.inNewSpace(withRetired, NEW).orElseThrow());
    }

    @Test
    void readsNumbersOfAnyTypeAsTheJsonGivesThem() {
        Map<String, Object> longs = stored("layers", 2L, "width", 64L, "learning_rate", "0.001");

        assertEquals(Hyperparameters.fromMap(stored()), WarmStart.inNewSpace(longs, NEW).orElseThrow());
    }
}
