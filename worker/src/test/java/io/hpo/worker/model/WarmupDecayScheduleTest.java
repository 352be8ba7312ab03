package io.hpo.worker.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hpo.space.Schedule;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.shade.jackson.databind.ObjectMapper;

class WarmupDecayScheduleTest {

    private static final double PEAK = 0.01;

    @Test
    void warmupRisesLinearlyFromNearZeroToThePeak() {
        WarmupDecaySchedule s = new WarmupDecaySchedule(PEAK, 10, 110, Schedule.COSINE);
        assertEquals(PEAK / 10, s.valueAt(0, 0), 1e-15);
        assertEquals(PEAK / 2, s.valueAt(4, 0), 1e-15);
        assertEquals(PEAK, s.valueAt(9, 0), 1e-15);
        assertEquals(PEAK, s.valueAt(10, 0), 1e-15);
    }

    @Test
    void constantStaysAtThePeak() {
        WarmupDecaySchedule s = new WarmupDecaySchedule(PEAK, 10, 110, Schedule.CONSTANT);
        assertEquals(PEAK, s.valueAt(60, 0));
        assertEquals(PEAK, s.valueAt(500, 0));
    }

    @Test
    void linearHalvesAtTheMidpointAndEndsAtZero() {
        WarmupDecaySchedule s = new WarmupDecaySchedule(PEAK, 10, 110, Schedule.LINEAR);
        assertEquals(PEAK / 2, s.valueAt(60, 0), 1e-15);
        assertEquals(0, s.valueAt(110, 0), 1e-15);
        assertEquals(0, s.valueAt(200, 0), 1e-15);
    }

    @Test
    void cosineHalvesAtTheMidpointAndEndsAtZero() {
        WarmupDecaySchedule s = new WarmupDecaySchedule(PEAK, 10, 110, Schedule.COSINE);
        assertEquals(PEAK / 2, s.valueAt(60, 0), 1e-12);
        assertTrue(s.valueAt(35, 0) > 0.75 * PEAK, "cosine decays slowly at first");
        assertEquals(0, s.valueAt(110, 0), 1e-15);
    }

    @Test
    void noWarmupStartsAtThePeak() {
        assertEquals(PEAK, new WarmupDecaySchedule(PEAK, 0, 100, Schedule.LINEAR).valueAt(0, 0));
    }

    @Test
    void survivesJsonAsDl4jWritesIt() throws Exception {
        ISchedule s = new WarmupDecaySchedule(PEAK, 7, 99, Schedule.LINEAR);
        ObjectMapper mapper = new ObjectMapper();
        ISchedule back = mapper.readValue(mapper.writeValueAsString(s), WarmupDecaySchedule.class);
        assertEquals(s, back);
        assertEquals(s.valueAt(50, 0), back.valueAt(50, 0));
    }

    @Test
    void rejectsNonsense() {
        assertThrows(IllegalArgumentException.class, () -> new WarmupDecaySchedule(0, 1, 10, Schedule.LINEAR));
        assertThrows(IllegalArgumentException.class, () -> new WarmupDecaySchedule(PEAK, -1, 10, Schedule.LINEAR));
        assertThrows(IllegalArgumentException.class, () -> new WarmupDecaySchedule(PEAK, 1, 0, Schedule.LINEAR));
    }
}
