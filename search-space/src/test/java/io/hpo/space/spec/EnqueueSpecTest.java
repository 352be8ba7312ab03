package io.hpo.space.spec;

import io.hpo.space.Hyperparameters;
import io.hpo.space.sampler.EnqueuedFill;
import io.hpo.space.sampler.FinishedTrial;
import io.hpo.space.sampler.SearchHistory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The spec's {@code enqueue:} list and configurations enqueued later: each checked against the space at load time
 * with the file, line and column of the mistake; a partial one completed with its given values kept and every
 * constraint met.
 */
class EnqueueSpecTest {
    private static final String SPEC = """
            name: q
            seed: 3
            budget: {max_trials: 3}
            space:
              learning_rate: {log_uniform: [1.0e-4, 1.0e-2]}
              width: {choice: [32, 34, 64]}
              heads: {choice: [2, 3, 4]}
              layers: {int: [1, 3]}
              schedule: {choice: [constant, cosine]}
              warmup_steps: {int: [0, 20], when: {schedule: cosine}, otherwise: 0}
              batch_size: 8
            constraints:
              - "layers <= heads"
            """;

    @Test
    void readsEntriesInOrderAndWritesThemBack() {
        SearchSpec spec = SpecLoader.parse(SPEC + """
                enqueue:
                  - {learning_rate: 1.0e-3, width: 64, heads: 4, layers: 2}
                  - {width: 34}
                """, "q.yaml");
        assertEquals(List.of(Map.of("learning_rate", 1e-3, "width", 64, "heads", 4, "layers", 2),
                Map.of("width", 34)), spec.enqueue());
        SearchSpec again = SpecLoader.parseRecorded(SpecWriter.canonical(spec), "recorded");
        assertEquals(spec.enqueue(), again.enqueue());
        assertTrue(SpecWriter.records(SpecWriter.canonical(spec), again));
        assertTrue(SpecLoader.parse(SPEC, "q.yaml").enqueue().isEmpty());
    }

    static Stream<Arguments> mistakes() {
        return Stream.of(
                Arguments.of("unknown hyperparameter", "  - {widht: 64}\n", 2, 6,
                        "unknown key 'widht' in enqueue entry 1; did you mean 'width'?"),
                Arguments.of("not a choice", "  - {width: 40}\n", 2, 13,
                        "width must be one of this search's choices [32, 34, 64], got 40"),
                Arguments.of("outside the range", "  - {learning_rate: 0.5}\n", 2, 21,
                        "learning_rate must be within this search's range {log_uniform: [1.0E-4, 0.01]}, got 0.5"),
                Arguments.of("wrong kind", "  - {layers: 1.5}\n", 2, 14, "layers must be a whole number, got '1.5'"),
                Arguments.of("unknown name", "  - {schedule: cosin}\n", 2, 16,
                        "unknown schedule 'cosin'; did you mean 'cosine'?"),
                Arguments.of("fixed differs", "  - {width: 64}\n  - {batch_size: 16}\n", 3, 18,
                        "batch_size is fixed at 8 in this search, got 16"),
                Arguments.of("condition rules it out", "  - {schedule: constant, warmup_steps: 5}\n", 2, 40,
                        "warmup_steps is searched only while schedule is one of [cosine]; with schedule constant"
                                + " it is 0, got 5"),
                Arguments.of("constraint broken", "  - {layers: 3, heads: 2}\n", 2, 5,
                        "enqueue entry 1: no trial with these values meets the constraints"),
                Arguments.of("no completion meets the constraints", "  - {width: 34, layers: 3}\n", 2, 5,
                        "enqueue entry 1: no trial with these values meets the constraints: no combination of"
                                + " layers, width, heads"),
                Arguments.of("duplicate", "  - {width: 64}\n  - {width: 64}\n", 3, 5,
                        "enqueue entry 2 repeats entry 1"),
                Arguments.of("empty entry", "  - {}\n", 2, 5, "enqueue entry 1 names no hyperparameter"),
                Arguments.of("more than max_trials", "  - {width: 32}\n  - {width: 34}\n  - {width: 64}\n"
                        + "  - {layers: 1}\n", 1, 1, "enqueue lists 4 configurations, more than budget.max_trials (3)"),
                Arguments.of("not a list", "  width: 64\n", 2, 3, "enqueue must be a list, got a mapping"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("mistakes")
    void refusesAConfigurationTheSpaceCannotRun(String description, String entries, int line, int column,
                                                 String reason) {
        int enqueueLine = (int) SPEC.lines().count() + 1;
        SpecException e = assertThrows(SpecException.class,
                () -> SpecLoader.parse(SPEC + "enqueue:\n" + entries, "q.yaml"));
        assertTrue(e.reason().startsWith(reason), e.getMessage());
        assertEquals(enqueueLine + line - 1, e.line(), e.getMessage());
        assertEquals(column, e.column(), e.getMessage());
        assertTrue(e.getMessage().startsWith("q.yaml:" + e.line() + ":" + column + ": "), e.getMessage());
    }

    @Test
    void checksAConfigurationEnqueuedLaterAgainstTheRecordedSpec() {
        SearchSpec spec = SpecLoader.parse(SPEC, "q.yaml");
        assertEquals(Map.of("width", 64, "schedule", "cosine"),
                EnqueuedConfigs.parse("{\"width\": 64, \"schedule\": \"COSINE\"}", "request body", spec));
        SpecException e = assertThrows(SpecException.class,
                () -> EnqueuedConfigs.parse("learning_rate: 1.0e-3\nwidth: 40\n", "next.yaml", spec));
        assertEquals("next.yaml:2:8: width must be one of this search's choices [32, 34, 64], got 40", e.getMessage());
        assertEquals("next.yaml:1:1: no configuration: write a mapping of hyperparameters to values, e.g."
                        + " {learning_rate: 0.001, width: 64}",
                assertThrows(SpecException.class, () -> EnqueuedConfigs.parse("# nothing\n", "next.yaml", spec))
                        .getMessage());

        assertEquals(Map.of("width", 64, "layers", 2), EnqueuedConfigs.check(Map.of("width", 64.0, "layers", "2"), spec));
        assertEquals("layers must be within this search's range {int: [1, 3]}, got 4", assertThrows(
                IllegalArgumentException.class, () -> EnqueuedConfigs.check(Map.of("layers", 4), spec)).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> EnqueuedConfigs.check(Map.of("hedas", 4), spec)).getMessage().contains("did you mean 'heads'"));
    }

    @Test
    void aPartialConfigurationKeepsItsValuesAndMeetsEveryConstraint() {
        SearchSpec spec = SpecLoader.parse(SPEC + "enqueue:\n  - {width: 34, warmup_steps: 7}\n", "q.yaml");
        Map<String, Object> given = spec.enqueue().get(0);
        Set<Hyperparameters> seen = new HashSet<>();
        for (int index = 0; index < 40; index++) {
            Hyperparameters hp = EnqueuedFill.complete(spec, given, index, SearchHistory.empty());
            assertEquals(34, hp.width());
            assertEquals(7, hp.warmupSteps());
            assertEquals("cosine", hp.toMap().get("schedule"), "warmup_steps 7 applies only under cosine");
            assertEquals(2, hp.heads(), "of the choices, only 2 divides 34");
            assertTrue(hp.layers() <= 2, "layers <= heads: " + hp.layers());
            assertTrue(hp.learningRate() >= 1e-4 && hp.learningRate() <= 1e-2, hp.toString());
            seen.add(hp);
        }
        assertTrue(seen.size() > 10, "the values left out are drawn, not fixed: " + seen.size());
        assertEquals(EnqueuedFill.complete(spec, given, 5, SearchHistory.empty()),
                EnqueuedFill.complete(spec, given, 5, SearchHistory.empty()), "seeded by the spec and the index");
    }

    @Test
    void aCompletionAvoidsTriedConfigurationsWhileAnyIsLeft() {
        SearchSpec spec = SpecLoader.parse(SPEC.replace("{log_uniform: [1.0e-4, 1.0e-2]}", "1.0e-3")
                .replace("{int: [0, 20], when: {schedule: cosine}, otherwise: 0}", "10"), "q.yaml");
        Map<String, Object> given = Map.of("width", 64, "heads", 4, "schedule", "cosine");
        Hyperparameters first = EnqueuedFill.complete(spec, given, 0, SearchHistory.empty());
        Set<Integer> layers = new HashSet<>();
        List<FinishedTrial> tried = new ArrayList<>(List.of(new FinishedTrial(first, 1.0, 10)));
        layers.add(first.layers());
        for (int i = 1; i < 3; i++) {
            Hyperparameters next = EnqueuedFill.complete(spec, given, 0, new SearchHistory(tried, List.of()));
            assertTrue(layers.add(next.layers()), "layers 1 to 3 each once: " + layers + " then " + next.layers());
            tried.add(new FinishedTrial(next, 1.0, 10));
        }
        Hyperparameters again = EnqueuedFill.complete(spec, given, 0, new SearchHistory(tried, List.of()));
        assertEquals(64, again.width(), "with every completion tried, the configuration still runs");
    }
}
