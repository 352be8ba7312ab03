package io.hpo.space.spec;

import io.hpo.space.Hyperparameters;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The spec's notify section: read, defaulted, refused at its line and column, and recorded. */
class NotifySpecTest {

    @Test
    void aWebhookAloneIsPostedEveryEnding() {
        SearchSpec spec = SpecLoader.parse("name: n\nnotify: {webhook: 'https://hooks.example.com/hpo?team=ml'}\n",
                "n");

        NotifySpec notify = spec.notification().orElseThrow();
        assertEquals("https://hooks.example.com/hpo?team=ml", notify.webhook());
        assertEquals(NotifySpec.ENDINGS, notify.endings());
        assertTrue(notify.posts("BUDGET_EXHAUSTED"));
    }

    @Test
    void listedEndingsAreTheOnlyOnesPosted() {
        NotifySpec notify = SpecLoader.parse("""
                name: n
                notify:
                  webhook: http://127.0.0.1:9000/hook
                  endings: [failed, budget_exhausted, failed]
                """, "n").notification().orElseThrow();

        assertEquals(List.of("failed", "budget_exhausted"), notify.endings());
        assertTrue(notify.posts("FAILED"));
        assertFalse(notify.posts("COMPLETED"));
    }

    @Test
    void noSectionOrAnEmptyOneNotifiesNobody() {
        assertTrue(SpecLoader.parse("name: n\n", "n").notification().isEmpty());
        assertTrue(SpecLoader.parse("name: n\nnotify:\n", "n").notification().isEmpty());
    }

    static Stream<Arguments> broken() {
        return Stream.of(
                Arguments.of("notify: {webhook: 'ftp://example.com/x'}", 2, 19, "must be an http: or https: URL"),
                Arguments.of("notify: {webhook: 'example.com/hook'}", 2, 19, "must be an http: or https: URL"),
                Arguments.of("notify: {webhook: 'http://exa mple.com/'}", 2, 19,
                        "is not a valid URL: Illegal character in authority"),
                Arguments.of("notify: {webhook: 'https://'}", 2, 19, "is not a valid URL"),
                Arguments.of("notify: {webhook: 'http:/relative'}", 2, 19, "names no host"),
                Arguments.of("notify: {webhook: 'https://user:pw@example.com/'}", 2, 19,
                        "must not carry a user name or password"),
                Arguments.of("notify: {webhook: 'https://example.com/" + "a".repeat(2000) + "'}", 2, 19,
                        "has at most 2000 characters"),
                Arguments.of("notify: {webhook: [a]}", 2, 19, "notify.webhook must be a text value"),
                Arguments.of("notify: {endings: [failed]}", 2, 9, "missing required key 'webhook' in notify"),
                Arguments.of("notify: {webhok: 'http://h/'}", 2, 10,
                        "unknown key 'webhok' in notify; did you mean 'webhook'?"),
                Arguments.of("notify:\n  webhook: http://h/\n  on: [failed]", 4, 3,
                        "unknown key 'on' in notify; the endings to post are listed under 'endings'"),
                Arguments.of("notify: {webhook: 'http://h/', endings: [faild]}", 2, 42,
                        "a notify ending must be one of completed, wall_time_exceeded, budget_exhausted, cancelled,"
                                + " failed, got 'faild'; did you mean 'failed'?"),
                Arguments.of("notify: {webhook: 'http://h/', endings: []}", 2, 41, "names no ending"),
                Arguments.of("notify: {webhook: 'http://h/', endings: failed}", 2, 41,
                        "notify.endings must be a list"),
                Arguments.of("notify: 'http://h/'", 2, 9, "notify must be a mapping"));
    }

    @ParameterizedTest
    @MethodSource("broken")
    void aBrokenSectionIsRefusedAtItsPosition(String section, int line, int column, String reason) {
        SpecException e = assertThrows(SpecException.class,
                () -> SpecLoader.parse("name: n\n" + section + "\n", "notify.yaml"));

        assertTrue(e.getMessage().startsWith("notify.yaml:" + line + ":" + column + ": "), e.getMessage());
        assertTrue(e.getMessage().contains(reason), e.getMessage());
    }

    @Test
    void theSectionIsRecordedAndReadBack() {
        SearchSpec spec = SpecLoader.parse("name: n\nnotify: {webhook: 'https://h.example:8443/x?a=1&b=%22two%22#top', "
                + "endings: [cancelled]}\n", "n");
        String canonical = SpecWriter.canonical(spec);

        SearchSpec recorded = SpecLoader.parseRecorded(canonical, "recorded");
        assertEquals(spec.notification(), recorded.notification());
        assertTrue(SpecWriter.records(canonical, spec));
        assertFalse(SpecWriter.records(canonical, SpecLoader.parse("name: n\n", "n")), "notify is part of the record");
        assertFalse(SpecWriter.canonical(SpecLoader.parse("name: n\n", "n")).contains("\nnotify:"),
                "a search without notify is recorded as before the section existed");
        assertEquals(spec.notification(), SpecLoader.parse(SpecWriter.withFixed(spec, Hyperparameters.defaults()),
                "best").notification(), "the winner's spec posts where the search did");
    }
}
