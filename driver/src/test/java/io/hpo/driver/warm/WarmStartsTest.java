package io.hpo.driver.warm;

import io.hpo.space.spec.SearchSpec;
import io.hpo.space.spec.SpecLoader;
import io.hpo.space.spec.SpecWriter;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** What a warm start warns about: a strategy it cannot feed, and an earlier search trained otherwise. */
class WarmStartsTest {
    private static final String BASE = "name: b\ndata: {source: demo, demo_sentences: 400}\n"
            + "budget: {max_steps_per_trial: 50}\ntraining: {eval_every: 10}\n";

    private static SearchSpec spec(String yaml) {
        return SpecLoader.parse(yaml, "b.yaml");
    }

    /** Random search reads nothing, so not even an aggregator that does not answer fails it. */
    @Test
    void randomSearchWarnsThatAWarmStartHasNoEffectAndReadsNothing() throws Exception {
        URI nobody;
        try (ServerSocket free = new ServerSocket(0)) {
            nobody = URI.create("http://127.0.0.1:" + free.getLocalPort());
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        assertEquals(List.of(), WarmStarts.load(spec(BASE + "strategy: {warm_start: [a, c]}\n"), "b-1",
                new ResultsApi(nobody, "hpo.driver.aggregator.url"), new PrintStream(out, true, StandardCharsets.UTF_8)));
        assertEquals("warning: warm_start has no effect with strategy random: only tpe and gp learn from earlier"
                + " trials; a, c not read", out.toString(StandardCharsets.UTF_8).strip());
    }

    @Test
    void aSearchCannotWarmStartFromItself() {
        WarmStartException e = assertThrows(WarmStartException.class, () -> WarmStarts.load(
                spec(BASE + "strategy: {type: gp, warm_start: [a, b-1]}\n"), "b-1",
                new ResultsApi(URI.create("http://127.0.0.1:1"), "hpo.driver.aggregator.url"), System.out));

        assertEquals("warm start: search b-1 lists itself in strategy.warm_start", e.getMessage());
    }

    @Test
    void namesWhatTheEarlierSearchTrainedOtherwise() {
        SearchSpec now = spec(BASE + "strategy: {type: tpe, warm_start: [a]}\n");

        assertEquals(Optional.empty(), WarmStarts.difference(earlier(BASE + "seed: 9\n"), now),
                "another seed, strategy or space is what a warm start is for");
        assertEquals(Optional.of("trained on the demo corpus (task question_formation, 3000 sentences, validation"
                        + " fraction 0.1), this search on the demo corpus (task question_formation, 400 sentences,"
                        + " validation fraction 0.1)"),
                WarmStarts.difference(earlier(BASE.replace(", demo_sentences: 400", "")), now));
        assertEquals(Optional.of("trained trials for up to 100 steps, this search for up to 50"),
                WarmStarts.difference(earlier(BASE.replace("max_steps_per_trial: 50", "max_steps_per_trial: 100")),
                        now));
        assertEquals(Optional.of("has no recorded spec yet, so its data cannot be compared"),
                WarmStarts.difference(new EarlierSearch("a", false, null, List.of()), now));
    }

    private static EarlierSearch earlier(String yaml) {
        return new EarlierSearch("a", true, SpecWriter.canonical(spec(yaml)), List.of());
    }
}
