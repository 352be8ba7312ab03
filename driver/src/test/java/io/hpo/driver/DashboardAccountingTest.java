package io.hpo.driver;

import io.hpo.deploy.RequiredTool;
import io.hpo.space.Hyperparameter;
import io.hpo.space.Hyperparameters;
import io.hpo.space.ModelSize;

import io.hpo.events.LifecycleEvent;
import io.hpo.events.LifecycleType;
import io.hpo.events.StepMetric;
import io.hpo.events.TrialAccounting;
import io.hpo.space.cost.Spend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The search and trial pages in headless Chromium for trials with accounting: the loss-vs-cost chart rings exactly
 * the Pareto front, the N-vs-D² chart places every sized trial, the leaderboard shows the OVERFITTING badge and
 * the cost columns, the loss charts offer the 1-nat line, the importance and scaling panels say why three trials are
 * too few, and the trial page lists its cost and why it is flagged. A search of 12 sized trials gets its scaling
 * chart: a dot per trial and a fitted curve per data size, and its N / D² chart a dot per trial and a line to the
 * final training loss of each trial with stored steps.
 * Screenshots of both search pages land in target/screenshots/cost-search.png and scaling-search.png.
 */
class DashboardAccountingTest {
    private static final String SEARCH = "cost-search";

    @Test
    void costParetoFrontSizeAndOverfittingAreOnThePages(@TempDir Path dir) throws Exception {
        HeadlessChromium browser = HeadlessChromium.find(dir.resolve("chromium-profile")).orElse(null);
        RequiredTool.require(browser != null, "chromium", "chromium");
        try (ResultsStack stack = ResultsStack.start(dir)) {
            List<StepMetric> steps = new ArrayList<>();
            List<LifecycleEvent> events = new ArrayList<>(List.of(
                    LifecycleEvent.searchStarted(SEARCH, "costs", "name: costs\n")));
            // best val loss / executor-seconds / training loss: a and b on the front, c dominated by a; b overfits
            trial("a", 2.0, 100, 2.0, steps, events);
            trial("b", 1.6, 400, 0.9, steps, events);
            trial("c", 2.2, 300, 2.2, steps, events);
            events.add(LifecycleEvent.searchFinished(SEARCH, "COMPLETED"));
            stack.store().applyBatch(steps, events);

            String base = stack.aggregator().url() + "/?live=0#/";
            String dom = browser.dumpDom(base + "search/" + SEARCH);
            assertTrue(dom.contains("data-rendered=\"search\""), dom);
            String pareto = chart(dom, "pareto");
            assertEquals(3, count(pareto, "class=\"dot"), pareto);
            assertEquals(2, count(pareto, "class=\"dot ringed\""), pareto);
            assertTrue(pareto.contains("class=\"front-line\""), pareto);
            assertTrue(dom.contains("front: 2 of 3 trials"), dom);
            String size = chart(dom, "size");
            assertEquals(3, count(size, "class=\"dot"), size);
            assertTrue(size.contains("N = D²"), size);
            assertEquals(1, count(dom, "class=\"badge overfitting\""), "only b is flagged");
            assertTrue(dom.contains("title=\"validation loss 1.600 exceeds training loss 0.900"), dom);
            assertEquals(1, count(dom, "class=\"one-nat\""), "one toggle for both loss charts of the search page");
            assertTrue(dom.contains("data-col=\"energyKwh\">0.0111<"), "b's energy: 100 W x 400 s: " + dom);
            assertTrue(dom.contains("importance needs at least 10 trials"), "three trials: the panel says why: " + dom);
            assertTrue(dom.contains("all of one model size and one data size"), "the scaling panel says why: " + dom);

            sizedSearch(stack);
            String sized = browser.dumpDom(base + "search/" + SIZED);
            String scaling = chart(sized, "scaling");
            assertEquals(12, count(scaling, "class=\"dot"), "a dot per completed trial: " + scaling);
            assertEquals(3, count(scaling, "class=\"fit-line\""), "a fitted curve per data size: " + scaling);
            assertTrue(scaling.contains("1 nat"), scaling);
            assertTrue(sized.contains("alpha = ") && sized.contains("beta = "), sized);
            String regime = chart(sized, "scaling-regime");
            assertEquals(12, count(regime, "class=\"dot"), "a dot per completed trial against N / D²: " + regime);
            assertEquals(3, count(regime, "class=\"fit-line\""), "a line to the final training loss of each trial"
                    + " with stored steps: " + regime);

            String trialPage = browser.dumpDom(base + "search/" + SEARCH + "/trial/b");
            assertTrue(trialPage.contains("data-rendered=\"trial\""), trialPage);
            assertTrue(trialPage.contains("FLOPs (6·N·tokens)") && trialPage.contains("log N / (2 log D)"), trialPage);
            assertTrue(trialPage.contains("id=\"overfitting\">validation loss 1.600 exceeds"), trialPage);
            assertTrue(trialPage.contains("class=\"one-nat\""), trialPage);
            Path shots = Files.createDirectories(Path.of("target", "screenshots"));
            browser.screenshot(base + "search/" + SEARCH, shots.resolve("cost-search.png"), 1400, 1500);
            browser.screenshot(base + "search/" + SIZED, shots.resolve("scaling-search.png"), 1400, 2600);
        }
    }

    private static final String SIZED = "sized-search";

    /**
     * 12 completed trials, 4 widths × 3 data shares, whose losses follow L = 1 + 30/N^0.3 + 50/D^0.25; the first
     * three store 10 training steps at loss 0.5, the others none.
     */
    private static void sizedSearch(ResultsStack stack) throws Exception {
        List<LifecycleEvent> events = new ArrayList<>(List.of(
                LifecycleEvent.searchStarted(SIZED, "sizes", "name: sizes\n")));
        List<StepMetric> steps = new ArrayList<>();
        int i = 0;
        for (int width : new int[]{32, 64, 128, 256}) {
            for (double fraction : new double[]{0.1, 0.3, 1.0}) {
                String id = "t" + i++;
                Hyperparameters hp = Hyperparameters.defaults().with(Hyperparameter.WIDTH, width)
                        .with(Hyperparameter.DATA_FRACTION, fraction);
                long n = ModelSize.parameters(hp, 40);
                long d = (long) Math.ceil(1_000_000 * fraction);
                events.add(LifecycleEvent.trialCreated(SIZED, id, hp.toMap()));
                events.add(LifecycleEvent.trialStarted(SIZED, id, 1, null));
                for (int step = 1; i <= 3 && step <= 10; step++) {
                    steps.add(StepMetric.of(SIZED, id, 1, step, 0, step * 1024L, 1e-3, 0.5, 1_764_000_000_000L));
                }
                events.add(LifecycleEvent.trialEvaluated(SIZED, id, 1, 10,
                        1 + 30 / Math.pow(n, 0.3) + 50 / Math.pow(d, 0.25), 10_240));
                events.add(LifecycleEvent.trialEnded(SIZED, id, 1, LifecycleType.TRIAL_COMPLETED, 10, 10_240, null)
                        .withAccounting(new TrialAccounting(n, d, new Spend(60, 10_240, 6.0 * n * 10_240, 0, 0, 0))));
            }
        }
        events.add(LifecycleEvent.searchFinished(SIZED, "COMPLETED"));
        stack.store().applyBatch(steps, events);
    }

    /** 10 steps at {@code trainLoss}, an evaluation at step 10 and a completion with default-price accounting. */
    private static void trial(String id, double valLoss, double executorSeconds, double trainLoss,
                              List<StepMetric> steps, List<LifecycleEvent> events) {
        events.add(LifecycleEvent.trialCreated(SEARCH, id, Hyperparameters.defaults().toMap()));
        events.add(LifecycleEvent.trialStarted(SEARCH, id, 1, null));
        for (int step = 1; step <= 10; step++) {
            steps.add(StepMetric.of(SEARCH, id, 1, step, 0, step * 1024L, 1e-3, trainLoss, 1_764_000_000_000L));
        }
        events.add(LifecycleEvent.trialEvaluated(SEARCH, id, 1, 10, valLoss, 10_240));
        double energy = 100 * executorSeconds / 3.6e6;
        events.add(LifecycleEvent.trialEnded(SEARCH, id, 1, LifecycleType.TRIAL_COMPLETED, 10, 10_240, null)
                .withAccounting(new TrialAccounting(110_000, 150_000, new Spend(executorSeconds, 10_240,
                        6.0 * 110_000 * 10_240, energy, energy * 0.475, 0.1 * executorSeconds / 3600))));
    }

    private static String chart(String dom, String kind) {
        Matcher m = Pattern.compile("<svg class=\"chart xy " + kind + "\".*?</svg>", Pattern.DOTALL).matcher(dom);
        assertTrue(m.find(), "no " + kind + " chart in " + dom);
        return m.group();
    }

    private static int count(String text, String needle) {
        return text.split(Pattern.quote(needle), -1).length - 1;
    }
}
