package io.hpo.space.spec;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class DurationsTest {

    @Test
    void parsesAndFormatsTheSpecForms() {
        assertEquals(Duration.ofSeconds(90), Durations.parse("90s"));
        assertEquals(Duration.ofMinutes(30), Durations.parse("30m"));
        assertEquals(Duration.ofHours(2), Durations.parse("2h"));
        assertEquals(Duration.ofMinutes(90), Durations.parse("1h30m"));
        assertEquals(Duration.ofDays(1).plusSeconds(5), Durations.parse("1d5s"));
        assertEquals("1m30s", Durations.format(Duration.ofSeconds(90)));
        assertEquals("1h30m", Durations.format(Duration.ofMinutes(90)));
        assertEquals("2d3h", Durations.format(Duration.ofHours(51)));
    }

    @Test
    void rejectsOtherText() {
        for (String bad : new String[]{"", "30", "30 m", "1m1h", "0s", "-5m", "1.5h", "PT1H"}) {
            assertThrows(IllegalArgumentException.class, () -> Durations.parse(bad), bad);
        }
    }
}
