package io.hpo.driver;

import io.hpo.aggregator.config.AggregatorConfig;
import io.hpo.deploy.RequiredTool;
import io.hpo.driver.bench.DashboardScale;
import io.hpo.driver.bench.DevToolsChromium;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The search pages of large searches in headless Chromium, on data stored by SQL (see
 * {@link io.hpo.driver.bench.ScaleDatasets}; ingest would take minutes): 10,000 trials, and 100 trials of 2,000
 * steps (the benchmark's {@link DashboardScale} uses 10,000). Each page draws its leaderboard page, the page's
 * curves from downsampled data, and its plots (hyperparameter importance over all 9,000 evaluated trials too),
 * without a script error; the large search's parallel coordinates and contour place all 10,000 trials.
 */
class DashboardScaleTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @Test
    void largeSearchPagesDrawEverythingWithoutErrors(@TempDir Path dir) throws Exception {
        Path chromium = DevToolsChromium.binary().orElse(null);
        RequiredTool.require(chromium != null, "chromium", "chromium");
        try (ResultsStack stack = ResultsStack.start(dir)) {
            AggregatorConfig store = stack.config();
            DashboardScale.fill(store.jdbcUrl(), store.user(), store.password(), 10_000, 10, 100, 2_000, 1_000);
            String base = stack.aggregator().url();
            try (DevToolsChromium browser = DevToolsChromium.launch(chromium, dir.resolve("chromium-profile"))) {
                Duration load = browser.load(base + "/#/search/" + DashboardScale.MANY_TRIALS,
                        DashboardScale.SEARCH_PAGE_STATE, TIMEOUT);
                System.out.println("search page of 10,000 trials with its parallel coordinates and contour drawn in "
                        + load.toMillis() + " ms (measured on a shared, loaded machine)");
                assertEquals(100, count(browser, "#leaderboard tbody tr"), "a page of the leaderboard");
                assertTrue(text(browser, "#leaderboard-pager").contains("1–100 of 10,000"),
                        text(browser, "#leaderboard-pager"));
                assertEquals(100, count(browser, "#curves path.curve.train"), "the page's trials' curves");
                assertEquals(500, count(browser, "#pareto circle.dot"), "the best-ranked trials placed");
                assertTrue(text(browser, "#pareto").contains("of 9000 trials (the 500 best ranked drawn)"),
                        text(browser, "#pareto"));
                assertTrue(count(browser, "#params svg.scatter") >= 3, "one plot per varied hyperparameter");
                assertEquals("10000", attribute(browser, "canvas.parcoords", "data-lines"), "every trial a line");
                assertEquals("10000", attribute(browser, "canvas.contour", "data-points"), "every trial a dot");
                assertTrue(Integer.parseInt(attribute(browser, "canvas.contour", "data-cells")) > 0, "interpolated");
                // drawn once its own request answers: the page does not wait for it
                awaitTrue(browser, "!document.querySelector('#importance').textContent.includes('computing')");
                assertEquals(4, count(browser, "#importance rect.bar"), "a bar per searched hyperparameter");
                assertTrue(text(browser, "#importance").contains("best 900 completed trials than among all 9,000"),
                        text(browser, "#importance"));
                assertEquals(List.of(), browser.errors());

                browser.load(base + "/#/search/" + DashboardScale.LONG_CURVES, DashboardScale.SEARCH_PAGE_STATE,
                        TIMEOUT);
                assertEquals(100, count(browser, "#curves path.curve.train"));
                int most = browser.evaluate("[...document.querySelectorAll('#curves path.curve.train')]"
                        + ".reduce((m, p) => Math.max(m, +p.getAttribute('data-points')), 0)").asInt();
                assertTrue(most > 100 && most <= 300, "2,000 steps drawn from at most 300 points: " + most);
                assertEquals(90, count(browser, "#curves path.curve.val"), "evaluations (none for diverged trials)");
                assertEquals(List.of(), browser.errors());
            }
        }
    }

    private static void awaitTrue(DevToolsChromium browser, String condition) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!browser.evaluate("!!(" + condition + ")").asBoolean()) {
            assertTrue(System.nanoTime() < deadline, "not within " + TIMEOUT + ": " + condition);
            Thread.sleep(50);
        }
    }

    private static int count(DevToolsChromium browser, String selector) {
        return browser.evaluate("document.querySelectorAll(" + quote(selector) + ").length").asInt();
    }

    private static String attribute(DevToolsChromium browser, String selector, String name) {
        return browser.evaluate("document.querySelector(" + quote(selector) + ").getAttribute(" + quote(name) + ")")
                .asText();
    }

    private static String text(DevToolsChromium browser, String selector) {
        return browser.evaluate("document.querySelector(" + quote(selector) + ").textContent").asText();
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
