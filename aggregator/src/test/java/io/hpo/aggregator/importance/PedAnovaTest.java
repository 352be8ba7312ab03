package io.hpo.aggregator.importance;

import io.hpo.aggregator.importance.PedAnova.Scale;
import io.hpo.aggregator.importance.PedAnova.Score;
import io.hpo.aggregator.importance.PedAnova.Trial;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PedAnovaTest {
    /** learning_rate on a log scale, batch_size a choice, dropout linear, in the order ties are reported. */
    private static final Map<String, Scale> SCALES = scales();

    private static Map<String, Scale> scales() {
        Map<String, Scale> m = new LinkedHashMap<>();
        m.put("learning_rate", Scale.LOG);
        m.put("batch_size", Scale.CATEGORICAL);
        m.put("dropout", Scale.LINEAR);
        return m;
    }

    /**
     * loss = 10 (log10 lr + 2.5)² + 1 g(batch) + 0 dropout + noise, g = 0, 0.5, 1 for batch 16, 32, 64: the learning
     * rate explains most, the batch size some, dropout nothing.
     */
    private static List<Trial> synthetic(int n, long seed) {
        Random rng = new Random(seed);
        List<Trial> trials = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            double lr = Math.pow(10, -4 + 3 * rng.nextDouble());
            int batch = List.of(16, 32, 64).get(rng.nextInt(3));
            double dropout = 0.5 * rng.nextDouble();
            double loss = 10 * Math.pow(Math.log10(lr) + 2.5, 2) + (batch == 16 ? 0 : batch == 32 ? 0.5 : 1)
                    + 0.1 * rng.nextGaussian();
            trials.add(trial("t" + i, lr, batch, dropout, loss, true));
        }
        return trials;
    }

    private static Trial trial(String id, double lr, int batch, double dropout, double loss, boolean comparable) {
        return new Trial(id, Map.of("learning_rate", lr, "batch_size", batch, "dropout", dropout), loss, comparable);
    }

    private static Map<String, Score> byName(PedAnova.Result r) {
        Map<String, Score> m = new LinkedHashMap<>();
        r.scores().forEach(s -> m.put(s.name(), s));
        return m;
    }

    @Test
    void ranksASyntheticObjectivesHyperparametersByHowMuchTheyExplainTheLoss() throws Exception {
        PedAnova.Result r = PedAnova.score(SCALES, synthetic(1000, 1));
        assertEquals(List.of("learning_rate", "batch_size", "dropout"), r.scores().stream().map(Score::name).toList());
        Map<String, Score> s = byName(r);
        assertTrue(s.get("learning_rate").importance() > 0.6, r.toString());
        assertTrue(s.get("batch_size").importance() > 0.1, r.toString());
        assertTrue(s.get("dropout").importance() < 0.03, "the irrelevant one is near 0: " + r);
        assertEquals(1.0, r.scores().stream().mapToDouble(Score::importance).sum(), 1e-9);
        for (Score score : r.scores()) {
            assertEquals(score.raw() / r.scores().stream().mapToDouble(Score::raw).sum(), score.importance(), 1e-12);
        }
        assertEquals(1000, r.trials());
        assertEquals(100, r.topTrials());
        assertEquals(Scale.LOG, s.get("learning_rate").scale());
    }

    @Test
    void theRankingHoldsForOtherSamplesAndOnlyTenTrials() throws Exception {
        for (long seed = 2; seed < 7; seed++) {
            List<String> order = PedAnova.score(SCALES, synthetic(300, seed)).scores().stream().map(Score::name)
                    .toList();
            assertEquals("learning_rate", order.get(0), "seed " + seed);
            assertEquals("dropout", order.get(2), "seed " + seed);
        }
        PedAnova.Result few = PedAnova.score(SCALES, synthetic(PedAnova.MIN_TRIALS, 1));
        assertEquals(PedAnova.MIN_TOP, few.topTrials());
        assertEquals(3, few.scores().size());
    }

    /** 10,000 trials take well under a second (measured under load: the bound is loose on purpose). */
    @Test
    void tenThousandTrialsAreQuick() throws Exception {
        List<Trial> trials = synthetic(10_000, 3);
        PedAnova.score(SCALES, trials);
        long start = System.nanoTime();
        PedAnova.Result r = PedAnova.score(SCALES, trials);
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertTrue(ms < 1000, ms + " ms");
        assertEquals(1000, r.topTrials());
        assertEquals("learning_rate", r.scores().get(0).name());
    }

    @Test
    void theResultDoesNotDependOnTheOrderOfTheTrials() throws Exception {
        List<Trial> trials = synthetic(500, 4);
        // ties in loss too: the top set's edge must not depend on the order
        trials.add(trial("tie-a", 1e-3, 16, 0.1, 0.0, true));
        trials.add(trial("tie-b", 1e-2, 64, 0.4, 0.0, true));
        PedAnova.Result first = PedAnova.score(SCALES, trials);
        for (long seed = 0; seed < 3; seed++) {
            List<Trial> shuffled = new ArrayList<>(trials);
            Collections.shuffle(shuffled, new Random(seed));
            assertEquals(first, PedAnova.score(SCALES, shuffled));
        }
    }

    @Test
    void aHyperparameterWithOneValueIsLeftOut() throws Exception {
        List<Trial> trials = synthetic(100, 5).stream().map(t -> {
            Map<String, Object> config = new LinkedHashMap<>(t.config());
            config.put("dropout", 0.1);
            return new Trial(t.id(), config, t.loss(), true);
        }).toList();
        PedAnova.Result r = PedAnova.score(SCALES, trials);
        assertEquals(List.of("learning_rate", "batch_size"), r.scores().stream().map(Score::name).toList());
    }

    @Test
    void tooFewTrialsOrTooFewComparableOnesAreRefused() {
        PedAnova.NotEnoughTrials few = assertThrows(PedAnova.NotEnoughTrials.class,
                () -> PedAnova.score(SCALES, synthetic(PedAnova.MIN_TRIALS - 1, 1)));
        assertTrue(few.getMessage().contains("at least 10 trials with a finite loss"), few.getMessage());
        List<Trial> oneComparable = synthetic(20, 1).stream()
                .map(t -> new Trial(t.id(), t.config(), t.loss(), t.id().equals("t0"))).toList();
        assertThrows(PedAnova.NotEnoughTrials.class, () -> PedAnova.score(SCALES, oneComparable));
    }

    @Test
    void trialsWithoutAFiniteLossAreIgnored() throws Exception {
        List<Trial> trials = synthetic(200, 6);
        List<Trial> withBroken = new ArrayList<>(trials);
        for (int i = 0; i < 50; i++) {
            withBroken.add(trial("nan" + i, 1e-4, 64, 0.5, i % 2 == 0 ? Double.NaN : Double.POSITIVE_INFINITY, true));
        }
        assertEquals(PedAnova.score(SCALES, trials), PedAnova.score(SCALES, withBroken));
        List<Trial> nineFinite = new ArrayList<>(synthetic(9, 1));
        nineFinite.add(trial("nan", 1e-3, 16, 0.1, Double.NaN, true));
        assertThrows(PedAnova.NotEnoughTrials.class, () -> PedAnova.score(SCALES, nineFinite));
    }

    /** Trials that may not be top trials (pruned) only widen the reference: the best of them is not a top trial. */
    @Test
    void onlyComparableTrialsAreTopTrials() throws Exception {
        List<Trial> completed = synthetic(100, 7);
        List<Trial> pruned = new ArrayList<>(completed);
        List<Trial> asIfCompleted = new ArrayList<>(completed);
        for (int i = 0; i < 20; i++) {
            // a loss lower than any completed trial's, all at dropout 0.5: as top trials they make dropout decisive
            pruned.add(trial("pruned" + i, Math.pow(10, -2.5), 16, 0.5, -100 + i, false));
            asIfCompleted.add(trial("pruned" + i, Math.pow(10, -2.5), 16, 0.5, -100 + i, true));
        }
        PedAnova.Result r = PedAnova.score(SCALES, pruned);
        assertEquals(12, r.topTrials(), "10% of 120, from the completed ones");
        assertEquals("learning_rate", r.scores().get(0).name(), r.toString());
        PedAnova.Result wrong = PedAnova.score(SCALES, asIfCompleted);
        assertEquals("dropout", wrong.scores().get(0).name(), wrong.toString());
        assertTrue(byName(r).get("dropout").raw() < byName(wrong).get("dropout").raw() / 3, r + " " + wrong);
    }

    @Test
    void aTrialWithoutAValueTakesNoPartInThatHyperparametersDensities() throws Exception {
        List<Trial> trials = new ArrayList<>(synthetic(200, 8));
        for (int i = 0; i < 30; i++) {
            // like a conditional hyperparameter its parent leaves unsearched
            trials.add(new Trial("inactive" + i, Map.of("learning_rate", 0.05, "batch_size", 64), 50.0 + i, true));
        }
        PedAnova.Result r = PedAnova.score(SCALES, trials);
        assertEquals(List.of("learning_rate", "batch_size", "dropout"), r.scores().stream().map(Score::name).toList());
    }

    @Test
    void aValueThatIsNoNumberIsNamed() {
        List<Trial> trials = new ArrayList<>(synthetic(20, 9));
        trials.add(new Trial("odd", Map.of("learning_rate", "fast", "batch_size", 16, "dropout", 0.1), 1, true));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PedAnova.score(SCALES, trials));
        assertEquals("trial 'odd': learning_rate = fast is not a positive finite number", e.getMessage());
    }
}
