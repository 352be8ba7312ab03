package io.hpo.space.spec;

import io.hpo.space.cost.SpendMeasure;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The spec's objectives list: read, refused at its line and column, and recorded only when set. */
class ObjectivesSpecTest {

    @Test
    void theSpendMeasuresAfterTheLossAreTheObjectives() {
        SearchSpec spec = SpecLoader.parse(
                "name: n\nstrategy: {type: tpe}\nobjectives: [val_loss, energy_kwh, TOKENS]\n", "n");

        assertEquals(List.of(SpendMeasure.ENERGY_KWH, SpendMeasure.TOKENS), spec.objectives());
        assertTrue(spec.isMultiObjective());
    }

    @Test
    void noListOrAnEmptyOneSearchesTheLossAlone() {
        assertFalse(SpecLoader.parse("name: n\n", "n").isMultiObjective());
        assertFalse(SpecLoader.parse("name: n\nobjectives:\n", "n").isMultiObjective());
        assertFalse(SpecLoader.parse("name: n\nobjectives: []\n", "n").isMultiObjective());
    }

    @Test
    void randomAndGridAcceptObjectivesToRankTheFront() {
        assertTrue(SpecLoader.parse("name: n\nstrategy: {type: random}\nobjectives: [val_loss, cost]\n", "n")
                .isMultiObjective());
        assertTrue(SpecLoader.parse("name: n\nstrategy: {type: grid}\nobjectives: [val_loss, cost]\n", "n")
                .isMultiObjective());
    }

    static Stream<Arguments> broken() {
        return Stream.of(
                Arguments.of("objectives: [val_loss, energy_kwhh]", 2, 24,
                        "an objective must be one of val_loss, executor_hours, tokens, flops, energy_kwh, co2_kg,"
                                + " cost, got 'energy_kwhh'; did you mean 'energy_kwh'?"),
                Arguments.of("objectives: [val_loss, cost, cost]", 2, 30, "objectives lists 'cost' twice"),
                Arguments.of("objectives: [val_loss, val_loss]", 2, 24, "objectives lists 'val_loss' twice"),
                Arguments.of("objectives: [energy_kwh, val_loss]", 2, 14,
                        "objectives must start with val_loss (every search minimises it), then list spend measures:"
                                + " executor_hours, tokens, flops, energy_kwh, co2_kg, cost; got 'energy_kwh' first"),
                Arguments.of("objectives: [energy_kwh]", 2, 14, "objectives must start with val_loss"),
                Arguments.of("objectives: [val_loss]", 2, 13, "objectives lists only val_loss"),
                Arguments.of("objectives: val_loss", 2, 13, "objectives must be a list"),
                Arguments.of("objectives: [val_loss, [cost]]", 2, 24, "an objective must be a text value"),
                Arguments.of("strategy: {type: gp}\nobjectives: [val_loss, cost]", 3, 13,
                        "strategy gp minimises the loss alone; multi-objective search needs strategy tpe"));
    }

    @ParameterizedTest
    @MethodSource("broken")
    void aBrokenListIsRefusedAtItsPosition(String section, int line, int column, String reason) {
        SpecException e = assertThrows(SpecException.class,
                () -> SpecLoader.parse("name: n\n" + section + "\n", "moo.yaml"));

        assertTrue(e.getMessage().startsWith("moo.yaml:" + line + ":" + column + ": "), e.getMessage());
        assertTrue(e.getMessage().contains(reason), e.getMessage());
    }

    @Test
    void theListIsRecordedOnlyWhenSet() {
        SearchSpec spec = SpecLoader.parse("name: n\nobjectives: [val_loss, co2_kg, executor_hours]\n", "n");
        String canonical = SpecWriter.canonical(spec);

        assertEquals(spec.objectives(), SpecLoader.parseRecorded(canonical, "recorded").objectives());
        assertTrue(SpecWriter.records(canonical, spec));
        SearchSpec single = SpecLoader.parse("name: n\n", "n");
        assertFalse(SpecWriter.records(canonical, single), "the objectives are part of the record");
        assertFalse(SpecWriter.canonical(single).contains("objectives"),
                "a single-objective search is recorded as before objectives existed");
    }
}
