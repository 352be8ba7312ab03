package io.hpo.space.spec;

import io.hpo.space.Hyperparameters;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConstraintTest {

    private final Hyperparameters base = Hyperparameters.defaults(); // width 64, heads 4, layers 2, warmup 10

    @Test
    void comparesHyperparametersAndNumbers() {
        assertTrue(Constraint.parse("width % heads == 0").test(base));
        assertFalse(Constraint.parse("heads <= layers").test(base));
        assertTrue(Constraint.parse("warmup_steps<100").test(base));
        assertTrue(Constraint.parse("learning_rate >= 1e-4").test(base));
        assertTrue(Constraint.parse("64 == width").test(base));
        assertTrue(Constraint.parse("dropout != 0.5").test(base));
        assertFalse(Constraint.parse("layers > 2").test(base));
        assertTrue(Constraint.parse("width % 3 == 0").test(Map.of("width", 48)));
        assertFalse(Constraint.parse("width % heads == 0").test(Map.of("width", 48, "heads", 0)));
    }

    @Test
    void normalisesTextAndListsNames() {
        Constraint c = Constraint.parse("  heads<=layers ");

        assertEquals("heads <= layers", c.text());
        assertEquals(Set.of("heads", "layers"), c.names());
        assertEquals(Constraint.parse("heads <= layers"), c);
    }

    @Test
    void rejectsWhatItCannotEvaluate() {
        assertThrows(IllegalArgumentException.class, () -> Constraint.parse("schedule == 1"));
        assertThrows(IllegalArgumentException.class, () -> Constraint.parse("1 < 2"));
        assertThrows(IllegalArgumentException.class, () -> Constraint.parse("dropout % 2 == 0"));
        assertThrows(IllegalArgumentException.class, () -> Constraint.parse("width % heads == 1"));
        assertThrows(IllegalArgumentException.class, () -> Constraint.parse("width + heads < 3"));
        assertThrows(IllegalArgumentException.class, () -> Constraint.parse("width <"));
        assertThrows(IllegalArgumentException.class, () -> Constraint.parse(""));
    }
}
