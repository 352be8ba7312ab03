package io.hpo.driver;

import io.hpo.deploy.RequiredTool;
import io.hpo.events.EventPublisher;
import io.hpo.events.LifecycleEvent;
import io.hpo.events.LifecycleType;
import io.hpo.events.StepMetric;
import io.hpo.space.Hyperparameters;
import io.hpo.space.Schedule;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import static io.hpo.space.Hyperparameter.BATCH_SIZE;
import static io.hpo.space.Hyperparameter.HEADS;
import static io.hpo.space.Hyperparameter.LAYERS;
import static io.hpo.space.Hyperparameter.MLP_MULTIPLIER;
import static io.hpo.space.Hyperparameter.SCHEDULE;
import static io.hpo.space.Hyperparameter.SEQ_LENGTH;
import static io.hpo.space.Hyperparameter.WARMUP_STEPS;
import static io.hpo.space.Hyperparameter.WIDTH;

/**
 * Markup in a search's name, a trial's configuration values and a failure reason, sent through the real broker
 * and aggregator, reaches headless Chromium's DOM as text on every dashboard page: nothing it carries runs or
 * becomes an element. The payloads mark the page (an attribute on body) if they ever run.
 */
class DashboardEscapingTest {
    private static final String SCRIPT = "<script>window.__pwned=1;document.body.setAttribute('data-pwned','script')"
            + "</script>";
    private static final String IMG = "<img src=x onerror=\"window.__pwned=1;"
            + "document.body.setAttribute('data-pwned','img')\">";
    private static final String SEARCH = "xss-search";

    @Test
    void userSuppliedStringsAreTextOnEveryPage(@TempDir Path dir) throws Exception {
        HeadlessChromium browser = HeadlessChromium.find(dir.resolve("chromium-profile")).orElse(null);
        RequiredTool.require(browser != null, "chromium", "chromium");
        try (ResultsStack stack = ResultsStack.start(dir)) {
            try (EventPublisher publisher = new EventPublisher(stack.bus())) {
                publisher.publish(LifecycleEvent.searchStarted(SEARCH, "name " + SCRIPT + IMG, "name: xss\n"));
                for (int t = 1; t <= 2; t++) {
                    String trial = "trial-" + t;
                    Map<String, Object> config = new LinkedHashMap<>(Hyperparameters.builder().set(WARMUP_STEPS, 0)
                            .set(SCHEDULE, Schedule.CONSTANT).set(BATCH_SIZE, 8).set(LAYERS, 1).set(WIDTH, 16)
                            .set(HEADS, 2).set(MLP_MULTIPLIER, 2).set(SEQ_LENGTH, 24).build().toMap());
                    // a different value per trial, so the leaderboard shows the column too
                    config.put("schedule", (t == 1 ? SCRIPT : IMG) + t);
                    publisher.publish(LifecycleEvent.trialCreated(SEARCH, trial, config));
                    publisher.publish(LifecycleEvent.trialStarted(SEARCH, trial, 1, null));
                    for (int step = 1; step <= 4; step++) {
                        publisher.publish(StepMetric.of(SEARCH, trial, 1, step, 0, step * 192L, 1e-3, 3.0 - 0.1 * step,
                                System.currentTimeMillis()));
                    }
                    publisher.publish(LifecycleEvent.trialEvaluated(SEARCH, trial, 1, 4, 2.5 + t, 768));
                    publisher.publish(LifecycleEvent.trialEnded(SEARCH, trial, 1, LifecycleType.TRIAL_FAILED, 4, 768,
                            "reason " + IMG + SCRIPT));
                }
                publisher.publish(LifecycleEvent.searchFinished(SEARCH, "COMPLETED"));
                publisher.flush();
            }
            stack.awaitStored(SEARCH, 8);

            String base = stack.aggregator().url() + "/?live=0#/";
            for (String page : List.of("", "search/" + SEARCH, "search/" + SEARCH + "/trial/trial-1")) {
                String dom = browser.dumpDom(base + page);
                String where = "page #/" + page + ":\n" + dom;
                assertTrue(dom.contains(page.isEmpty() ? "data-search=\"" + SEARCH + "\"" : "data-rendered="),
                        "the page rendered: " + where);
                assertFalse(Pattern.compile("<body[^>]*data-pwned").matcher(dom).find(), "an injected script ran: " + where);
                assertFalse(dom.contains("<img"), "an injected element exists: " + where);
                // only the dashboard's own three scripts (charts, space views, app)
                assertTrue(dom.split("<script", -1).length - 1 == 3, "an injected script element: " + where);
                assertTrue(dom.contains("&lt;script&gt;window.__pwned=1;") || dom.contains("&lt;img src=x"),
                        "the payload is on the page as text: " + where);
            }
        }
    }
}
