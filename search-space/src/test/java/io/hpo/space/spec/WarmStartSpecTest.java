package io.hpo.space.spec;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** strategy.warm_start: read, written back, and refused at file:line:col when it is not a list of distinct ids. */
class WarmStartSpecTest {

    @Test
    void readsTheSearchIdsInOrder() {
        SearchSpec spec = SpecLoader.parse("""
                name: b
                strategy:
                  type: tpe
                  warm_start: [a-20261206-190512-3f2c, " older.run_2 ", 42]
                """, "b.yaml");

        assertEquals(List.of("a-20261206-190512-3f2c", "older.run_2", "42"), spec.strategy().warmStart());
        assertTrue(SpecLoader.parse("name: n\n", "n").strategy().warmStart().isEmpty());
        assertTrue(SpecLoader.parse("name: n\nstrategy: {type: tpe, warm_start: []}\n", "n").strategy()
                .warmStart().isEmpty());
    }

    @Test
    void isRecordedAndReadBackAndLeftOutWhenEmpty() {
        SearchSpec spec = SpecLoader.parse("name: b\nstrategy: {type: gp, warm_start: [s1, \"s-2\"]}\n", "b");
        String canonical = SpecWriter.canonical(spec);

        assertEquals(spec.strategy(), SpecLoader.parseRecorded(canonical, "recorded").strategy());
        assertTrue(SpecWriter.records(canonical, spec));
        assertFalse(SpecWriter.records(canonical, SpecLoader.parse("name: b\nstrategy: {type: gp, warm_start: [s1]}\n",
                "b")), "a different warm start is a different search");
        assertFalse(SpecWriter.canonical(SpecLoader.parse("name: n\nstrategy: {type: tpe}\n", "n"))
                .contains("warm_start"));
    }

    static Stream<Arguments> brokenWarmStarts() {
        String tooMany = IntStream.rangeClosed(0, SpecLimits.MAX_WARM_START_SEARCHES).mapToObj(i -> "s" + i)
                .collect(Collectors.joining(", ", "[", "]"));
        return Stream.of(
                Arguments.of("not a list", "  warm_start: s1\n", 3, 15, "warm_start must be a list, got 's1'"),
                Arguments.of("a mapping item", "  warm_start: [s1, {id: s2}]\n", 3, 20,
                        "warm_start must list search ids, got a mapping"),
                Arguments.of("a list item", "  warm_start:\n    - [s1]\n", 4, 7,
                        "warm_start must list search ids, got a list"),
                Arguments.of("a null item", "  warm_start: [s1, ~]\n", 3, 20,
                        "warm_start must list search ids, got nothing"),
                Arguments.of("a boolean item", "  warm_start: [true]\n", 3, 16,
                        "warm_start must list search ids, got 'true'"),
                Arguments.of("an empty id", "  warm_start:\n    - s1\n    - \"  \"\n", 5, 7,
                        "warm_start lists an empty search id"),
                Arguments.of("not an id", "  warm_start: [\"s 1\"]\n", 3, 16, "'s 1' is not a search id"),
                Arguments.of("a duplicate", "  warm_start: [s1, s2, s1]\n", 3, 24, "warm_start lists search 's1' twice"),
                Arguments.of("too many", "  warm_start: " + tooMany + "\n", 3, 15, "more than the 20"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenWarmStarts")
    void refusesABrokenWarmStartAtItsPlace(String description, String lines, int line, int column, String reason) {
        String yaml = "name: b\nstrategy:\n" + lines;

        SpecException e = assertThrows(SpecException.class, () -> SpecLoader.parse(yaml, "b.yaml"));

        assertEquals(line, e.line(), e.getMessage());
        assertEquals(column, e.column(), e.getMessage());
        assertTrue(e.getMessage().startsWith("b.yaml:" + line + ":" + column + ": "), e.getMessage());
        assertTrue(e.getMessage().contains(reason), e.getMessage());
    }
}
