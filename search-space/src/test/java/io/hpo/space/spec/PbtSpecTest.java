package io.hpo.space.spec;

import io.hpo.space.sampler.RandomSampler;
import io.hpo.space.sampler.Samplers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** strategy type pbt: its settings read, defaulted, written back, and refused at file:line:col when they are wrong. */
class PbtSpecTest {

    @Test
    void readsEverySetting() {
        SearchSpec spec = SpecLoader.parse("""
                name: p
                strategy:
                  type: pbt
                  population: 4
                  exploit_every: 25
                  quantile: 0.5
                  perturb: [0.5, 2]
                  resample_probability: 0
                budget: {max_trials: 4, max_steps_per_trial: 75}
                """, "p.yaml");

        assertEquals(StrategyType.PBT, spec.strategy().type());
        assertEquals(new PbtSpec(4, 25, 0.5, List.of(0.5, 2.0), 0), spec.strategy().pbt());
        assertEquals(2, spec.strategy().pbt().truncated(4));
        assertInstanceOf(RandomSampler.class, Samplers.forSpec(spec), "the initial population is drawn at random");
    }

    @Test
    void defaultsAreTheDocumentedOnes() {
        PbtSpec pbt = SpecLoader.parse("name: p\nstrategy: {type: pbt}\n", "p").strategy().pbt();

        assertEquals(new PbtSpec(8, 50, 0.25, List.of(0.8, 1.2), 0.25), pbt);
        assertEquals(2, pbt.truncated(8));
        assertEquals(1, pbt.truncated(3), "at least one member copies another");
    }

    @Test
    void membersMayTrainWithSeveralWorkers() {
        SearchSpec spec = SpecLoader.parse("name: p\nstrategy: {type: pbt}\ntraining: {workers: 2}\n", "p");

        assertEquals(2, spec.training().workers());
    }

    @Test
    void isRecordedAndReadBackOnlyForPbt() {
        SearchSpec spec = SpecLoader.parse("""
                name: p
                strategy: {type: pbt, population: 3, exploit_every: 7, quantile: 0.3, perturb: [0.9, 1.1, 1.5]}
                """, "p");
        String canonical = SpecWriter.canonical(spec);

        assertEquals(spec.strategy(), SpecLoader.parseRecorded(canonical, "recorded").strategy());
        assertTrue(SpecWriter.records(canonical, spec));
        assertFalse(SpecWriter.canonical(SpecLoader.parse("name: n\n", "n")).contains("exploit_every"),
                "searches of other strategies are recorded as before pbt existed");
    }

    static Stream<Arguments> brokenSettings() {
        return Stream.of(
                Arguments.of("a population of one", "strategy: {type: pbt, population: 1}\n", 2, 35,
                        "population must be"),
                Arguments.of("a zero quantile", "strategy: {type: pbt, quantile: 0}\n", 2, 33,
                        "quantile must be in (0, 0.5]"),
                Arguments.of("a quantile past a half", "strategy:\n  type: pbt\n  quantile: 0.6\n", 4, 13,
                        "quantile must be in (0, 0.5]"),
                Arguments.of("perturb not a list", "strategy: {type: pbt, perturb: 1.2}\n", 2, 32,
                        "perturb must be a list"),
                Arguments.of("an empty perturb", "strategy: {type: pbt, perturb: []}\n", 2, 32,
                        "perturb must list 1 to 10 factors, got 0"),
                Arguments.of("a negative factor", "strategy: {type: pbt, perturb: [0.8, -1]}\n", 2, 38,
                        "perturb factors must be in (0, 10], got -1"),
                Arguments.of("a probability above one", "strategy: {type: pbt, resample_probability: 1.5}\n", 2, 45,
                        "resample_probability must be in [0, 1]"),
                Arguments.of("exploit_every at the budget",
                        "strategy: {type: pbt, exploit_every: 100}\nbudget: {max_steps_per_trial: 100}\n", 2, 38,
                        "exploit_every 100 must be below max_steps_per_trial 100, or no member is ever exploited"),
                Arguments.of("the default exploit_every past a small budget",
                        "strategy:\n  type: pbt\nbudget: {max_steps_per_trial: 40}\ntraining: {eval_every: 10}\n", 3, 3,
                        "exploit_every 50 must be below max_steps_per_trial 40"),
                Arguments.of("more members than trials",
                        "strategy: {type: pbt, population: 12}\n", 2, 35,
                        "population 12 is more than max_trials 10: each member is one trial"),
                Arguments.of("a pruner", "strategy: {type: pbt}\npruner:\n  type: asha\n", 4, 3,
                        "pruner asha cannot run with strategy pbt"),
                Arguments.of("a pbt setting of another strategy", "strategy: {type: tpe, population: 4}\n", 2, 23,
                        "population is a setting of strategy type pbt, not of tpe"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenSettings")
    void refusesABrokenSettingAtItsPlace(String description, String lines, int line, int column, String reason) {
        String yaml = "name: p\n" + lines;

        SpecException e = assertThrows(SpecException.class, () -> SpecLoader.parse(yaml, "p.yaml"));

        assertEquals(line, e.line(), e.getMessage());
        assertEquals(column, e.column(), e.getMessage());
        assertTrue(e.getMessage().startsWith("p.yaml:" + line + ":" + column + ": "), e.getMessage());
        assertTrue(e.getMessage().contains(reason), e.getMessage());
    }
}
