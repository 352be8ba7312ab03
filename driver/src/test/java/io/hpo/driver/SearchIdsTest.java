package io.hpo.driver;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SearchIdsTest {

    @Test
    void aGeneratedIdBoundsWhenItsRecordsCanStartOthersDoNot() {
        Instant before = Instant.now();
        Instant notBefore = SearchIds.recordsNotBefore(SearchIds.newId("demo run")).orElseThrow();
        assertTrue(notBefore.isBefore(before), "whatever the local zone, the bound lies before the search began");
        assertTrue(notBefore.isAfter(before.minus(Duration.ofHours(28))), notBefore.toString());
        assertEquals(Instant.parse("2026-01-31T09:00:00Z"),
                SearchIds.recordsNotBefore("demo-20260201-000000-0a1b").orElseThrow());
        assertEquals(Optional.empty(), SearchIds.recordsNotBefore("nightly"));
        assertEquals(Optional.empty(), SearchIds.recordsNotBefore("demo-20261399-000000-0a1b"), "no such date");
    }

    @Test
    void anIdStampedInTheFutureIsRefused() {
        assertEquals("demo-20260201-000000-0a1b", SearchIds.requireValid("demo-20260201-000000-0a1b"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SearchIds.requireValid("demo-29991231-000000-0a1b"));
        assertTrue(e.getMessage().contains("future"), e.getMessage());
    }
}
