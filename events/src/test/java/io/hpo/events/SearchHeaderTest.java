package io.hpo.events;

import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SearchHeaderTest {
    private static final byte[] SEARCH = "demo-20260201-000000-0a1b".getBytes(StandardCharsets.UTF_8);

    @Test
    void aRecordMayBelongToTheSearchItsHeaderNamesOrToAnyWithoutOne() {
        assertTrue(SearchHeader.mayBelongTo(new RecordHeaders().add(SearchHeader.of("demo-20260201-000000-0a1b")),
                SEARCH));
        assertFalse(SearchHeader.mayBelongTo(new RecordHeaders().add(SearchHeader.of("demo-20260201-000000-0a1c")),
                SEARCH));
        assertTrue(SearchHeader.mayBelongTo(new RecordHeaders(), SEARCH), "older records have no header");
        assertTrue(SearchHeader.mayBelongTo(new RecordHeaders().add("origin", new byte[]{1}), SEARCH));
    }
}
