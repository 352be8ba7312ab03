package io.hpo.events;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeader;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The record header naming the search a lifecycle or control record belongs to. A reader that wants one search
 * (a resuming driver, a driver's cancel listener) skips the other searches' records on it without decoding their
 * values. Records published before the header existed lack it: such a reader decodes those.
 */
public final class SearchHeader {
    public static final String NAME = "hpo.search";

    private SearchHeader() {
    }

    static Header of(String searchId) {
        return new RecordHeader(NAME, searchId.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Whether the record may belong to the search named by {@code searchIdUtf8}: its header says so, or it has
     * none.
     */
    public static boolean mayBelongTo(Headers headers, byte[] searchIdUtf8) {
        Header h = headers.lastHeader(NAME);
        return h == null || Arrays.equals(h.value(), searchIdUtf8);
    }
}
