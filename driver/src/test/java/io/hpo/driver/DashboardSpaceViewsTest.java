package io.hpo.driver;

import com.fasterxml.jackson.databind.JsonNode;
import io.hpo.aggregator.store.StoredTrial;
import io.hpo.deploy.RequiredTool;
import io.hpo.driver.bench.DevToolsChromium;
import io.hpo.events.LifecycleEvent;
import io.hpo.events.LifecycleType;
import io.hpo.events.StepMetric;
import io.hpo.space.Hyperparameters;
import io.hpo.space.Optimizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;

import static io.hpo.space.Hyperparameter.BATCH_SIZE;
import static io.hpo.space.Hyperparameter.DROPOUT;
import static io.hpo.space.Hyperparameter.LEARNING_RATE;
import static io.hpo.space.Hyperparameter.OPTIMIZER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The search page's parallel coordinates and contour in headless Chromium (over DevTools), on trials stored
 * through the real store into PostgreSQL and served by the real aggregator: every trial drawn as a line, a brush
 * dragged with the mouse along an axis filtering the leaderboard to exactly the stored trials in its range (a
 * second brush on the loss axis narrowing it to both), a double-click clearing them, a brush over two of a name
 * axis's labels keeping the trials with either, the contour drawn over two
 * numeric hyperparameters, and no script error. Screenshots of the brushed page land in
 * target/screenshots/space-views-*.png.
 */
class DashboardSpaceViewsTest {
    private static final String SEARCH = "space-views";
    private static final int TRIALS = 60;
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final String SPEC = String.join("\n",
            "name: space views",
            "seed: 7",
            "budget:",
            "  max_trials: 60",
            "  max_steps_per_trial: 20",
            "training:",
            "  eval_every: 5",
            "space:",
            "  learning_rate: {log_uniform: [1.0e-4, 1.0e-1]}",
            "  dropout: {uniform: [0.0, 0.5]}",
            "  batch_size: {choice: [16, 32]}",
            "  optimizer: {choice: [adam, sgd, nesterovs]}",
            "");
    private static final String PAGE_READY = "(() => {"
            + " if (window.__errors && __errors.length) return 'script error: ' + __errors.join('; ');"
            + " return document.body.getAttribute('data-rendered') === 'search'"
            + " && document.querySelector('canvas.parcoords') && document.querySelector('#leaderboard tbody tr')"
            + " ? 'ready' : ''; })()";

    @Test
    void brushingTheParallelCoordinatesFiltersTheLeaderboardToTheStoredTrialsInRange(@TempDir Path dir)
            throws Exception {
        Path chromium = DevToolsChromium.binary().orElse(null);
        RequiredTool.require(chromium != null, "chromium", "chromium");
        try (ResultsStack stack = ResultsStack.start(dir)) {
            store(stack);
            List<StoredTrial> stored = stack.store().rankedTrials(SEARCH);
            assertEquals(TRIALS, stored.size());
            try (DevToolsChromium browser = DevToolsChromium.launch(chromium, dir.resolve("chromium-profile"))) {
                browser.load(stack.aggregator().url() + "/?live=0#/search/" + SEARCH, PAGE_READY, TIMEOUT);
                assertEquals(String.valueOf(TRIALS), attribute(browser, "canvas.parcoords", "data-lines"));
                assertEquals(String.valueOf(TRIALS), attribute(browser, "canvas.parcoords", "data-selected"));
                assertTrue(colouredPixels(browser, "canvas.parcoords") > 2_000, "lines in loss colours");
                assertEquals("learning_rate,batch_size,dropout,optimizer,bestValLoss",
                        browser.evaluate("JSON.parse(document.querySelector('canvas.parcoords')"
                                + ".getAttribute('data-axes')).map(a => a.key).join()").asText());

                assertEquals(String.valueOf(TRIALS), attribute(browser, "canvas.contour", "data-points"));
                assertTrue(Integer.parseInt(attribute(browser, "canvas.contour", "data-cells")) > 0);
                assertEquals("learning_rate", attribute(browser, "canvas.contour", "data-x"),
                        "no importance endpoint: the first two numeric varying hyperparameters");
                assertEquals("batch_size", attribute(browser, "canvas.contour", "data-y"));
                assertTrue(colouredPixels(browser, "canvas.contour") > 50_000, "the interpolated grid");

                // the middle of the learning-rate axis, dragged downwards
                JsonNode lr = axis(browser, "learning_rate");
                browser.drag(lr.get("x").asDouble(), y(lr, 0.3), lr.get("x").asDouble(), y(lr, 0.7));
                List<Predicate<StoredTrial>> brushes = awaitBrushes(browser, 1);
                List<String> expected = expectStoredInBrushes(browser, stored, brushes);

                // AND a brush over the better half of the loss axis
                JsonNode loss = axis(browser, "bestValLoss");
                browser.drag(loss.get("x").asDouble(), y(loss, 0.5), loss.get("x").asDouble(), y(loss, 1.0));
                brushes = awaitBrushes(browser, 2);
                List<String> both = expectStoredInBrushes(browser, stored, brushes);
                assertTrue(both.size() < expected.size(), "the second brush narrows the first: " + both);
                browser.screenshot(Path.of("target", "screenshots", "space-views-brushed.png"));
                browser.evaluate("document.querySelector('#contour').scrollIntoView()");
                browser.screenshot(Path.of("target", "screenshots", "space-views-contour.png"));

                JsonNode between = axis(browser, "learning_rate");
                browser.doubleClick(between.get("x").asDouble() + 60, y(between, 0.5));
                browser.await("document.querySelector('#brush-note') === null"
                        + " && document.querySelectorAll('#leaderboard tbody tr').length === " + TRIALS
                        + " ? 'ready' : ''", TIMEOUT);
                assertEquals(String.valueOf(TRIALS), attribute(browser, "canvas.parcoords", "data-selected"));

                // a name axis: its labels adam, nesterovs, sgd sit at 5/6, 1/2 and 1/6 of its height from the top
                JsonNode optimizer = axis(browser, "optimizer");
                browser.drag(optimizer.get("x").asDouble(), y(optimizer, 0.0), optimizer.get("x").asDouble(),
                        y(optimizer, 0.6));
                brushes = awaitBrushes(browser, 1);
                List<String> named = expectStoredInBrushes(browser, stored, brushes);
                assertEquals(stored.stream().filter(t -> !t.config().get("optimizer").equals("adam"))
                        .map(StoredTrial::trialId).toList(), named, "nesterovs and sgd");
                assertEquals(List.of(), browser.errors());
            }
        }
    }

    /**
     * Waits for the leaderboard filtered by {@code count} brushes and reads back the where terms the page sent the
     * API, as conditions on a stored trial: the test knows the brushed ranges only from the page.
     */
    private static List<Predicate<StoredTrial>> awaitBrushes(DevToolsChromium browser, int count)
            throws InterruptedException {
        String where = "document.querySelector('#brush-note [data-where]')";
        browser.await("(() => { const n = " + where + ";"
                + " return n && JSON.parse(n.getAttribute('data-where')).length === " + count + " ? 'ready' : ''; })()",
                TIMEOUT);
        List<Predicate<StoredTrial>> out = new ArrayList<>();
        for (JsonNode node : browser.evaluate("JSON.parse(" + where + ".getAttribute('data-where'))")) {
            String term = node.asText();
            String key = term.substring(0, term.indexOf(':'));
            String value = term.substring(key.length() + 1);
            if (!value.contains("..")) {
                List<String> names = List.of(value.split(","));
                out.add(t -> names.contains(String.valueOf(t.config().get(key))));
                continue;
            }
            String[] range = value.split("\\.\\.");
            double min = Double.parseDouble(range[0]), max = Double.parseDouble(range[1]);
            out.add(t -> {
                Object v = key.equals("bestValLoss") ? t.bestValLoss() : t.config().get(key);
                return v instanceof Number n && n.doubleValue() >= min && n.doubleValue() <= max;
            });
        }
        return out;
    }

    /** The leaderboard lists exactly the stored trials inside every brush, in ranking order, and says how many. */
    private static List<String> expectStoredInBrushes(DevToolsChromium browser, List<StoredTrial> stored,
                                                      List<Predicate<StoredTrial>> brushes) {
        List<String> expected = stored.stream().filter(t -> brushes.stream().allMatch(b -> b.test(t)))
                .map(StoredTrial::trialId).toList();
        assertTrue(!expected.isEmpty() && expected.size() < TRIALS, "a brush that selects some: " + expected);
        List<String> shown = new ArrayList<>();
        browser.evaluate("[...document.querySelectorAll('#leaderboard tbody tr')]"
                + ".map(r => r.getAttribute('data-trial'))").forEach(n -> shown.add(n.asText()));
        assertEquals(expected, shown);
        assertEquals(expected.size() + " of " + TRIALS + " trials in the brushes", text(browser, "#brush-count"));
        assertEquals(String.valueOf(expected.size()), attribute(browser, "canvas.parcoords", "data-selected"),
                "the lines drawn in colour are the same trials");
        return expected;
    }

    /** Stores the search through the real store: each trial 10 steps, an evaluation, and its end. */
    private static void store(ResultsStack stack) throws Exception {
        List<StepMetric> steps = new ArrayList<>();
        List<LifecycleEvent> events = new ArrayList<>(List.of(LifecycleEvent.searchStarted(SEARCH, "space views",
                SPEC)));
        for (int i = 0; i < TRIALS; i++) {
            String id = String.format(Locale.ROOT, "t%02d", i);
            double lr = 1e-4 * Math.pow(1000, ((i * 17) % TRIALS) / (double) TRIALS);
            Map<String, Object> config = Hyperparameters.builder().set(LEARNING_RATE, lr)
                    .set(DROPOUT, ((i * 7) % 10) / 20.0).set(BATCH_SIZE, i % 2 == 0 ? 16 : 32)
                    .set(OPTIMIZER, Optimizer.values()[i % 3]).build().toMap();
            events.add(LifecycleEvent.trialCreated(SEARCH, id, config));
            events.add(LifecycleEvent.trialStarted(SEARCH, id, 1, null));
            for (int step = 1; step <= 10; step++) {
                steps.add(StepMetric.of(SEARCH, id, 1, step, 0, step * 1024L, lr, 4 - step * 0.1,
                        1_764_000_000_000L + step));
            }
            // loss lowest near lr 3e-3, so the contour has a valley; every fifth trial diverges unevaluated
            boolean diverged = i % 5 == 4;
            if (!diverged) {
                double valLoss = 2 + Math.pow(Math.log10(lr / 3e-3), 2) + i * 1e-4;
                events.add(LifecycleEvent.trialEvaluated(SEARCH, id, 1, 10, valLoss, 10_240));
            }
            events.add(LifecycleEvent.trialEnded(SEARCH, id, 1, diverged ? LifecycleType.TRIAL_DIVERGED
                    : LifecycleType.TRIAL_COMPLETED, 10, 10_240, diverged ? "loss is NaN" : null));
        }
        events.add(LifecycleEvent.searchFinished(SEARCH, "COMPLETED"));
        stack.store().applyBatch(steps, events);
    }

    /** An axis's key, x and plot top and bottom in the viewport's CSS pixels, the canvas scrolled into view. */
    private static JsonNode axis(DevToolsChromium browser, String key) {
        return browser.evaluate("(() => { const c = document.querySelector('canvas.parcoords');"
                + " c.scrollIntoView({block: 'center'}); const r = c.getBoundingClientRect();"
                + " const s = r.width / c.width, plot = JSON.parse(c.getAttribute('data-plot'));"
                + " const a = JSON.parse(c.getAttribute('data-axes')).find(a => a.key === '" + key + "');"
                + " return {x: r.left + a.x * s, top: r.top + plot.top * s, bottom: r.top + plot.bottom * s}; })()");
    }

    /** The y of a fraction of an axis's height from its top. */
    private static double y(JsonNode axis, double fromTop) {
        double top = axis.get("top").asDouble(), bottom = axis.get("bottom").asDouble();
        return top + fromTop * (bottom - top);
    }

    /** Pixels of the canvas that are drawn and not grey (lines or cells in loss colours). */
    private static int colouredPixels(DevToolsChromium browser, String canvas) {
        return browser.evaluate("(() => { const c = document.querySelector('" + canvas + "');"
                + " const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data; let n = 0;"
                + " for (let i = 0; i < d.length; i += 4) {"
                + " const spread = Math.max(d[i], d[i + 1], d[i + 2]) - Math.min(d[i], d[i + 1], d[i + 2]);"
                + " if (d[i + 3] > 0 && spread > 30) n++; }"
                + " return n; })()").asInt();
    }

    private static String attribute(DevToolsChromium browser, String selector, String name) {
        return browser.evaluate("document.querySelector('" + selector + "').getAttribute('" + name + "')").asText();
    }

    private static String text(DevToolsChromium browser, String selector) {
        return browser.evaluate("document.querySelector('" + selector + "').textContent").asText();
    }
}
