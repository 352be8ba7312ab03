package io.hpo.aggregator.results;

import io.hpo.aggregator.api.Json;
import io.hpo.aggregator.store.TrialPoint;
import io.hpo.space.Hyperparameter;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The points' columns: exact levels for few values, rounded values for many, and their size at 10,000 trials. */
class SearchPointsTest {

    @Test
    void tenThousandTrialsOfTenContinuousHyperparametersStayWellUnderTwoMegabytes() throws Exception {
        Random random = new Random(7);
        List<String> names = Hyperparameter.NAMES.subList(0, 10);
        List<TrialPoint> points = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            Map<String, Object> config = new LinkedHashMap<>();
            // full-precision reals, the worst case: no column can be sent as levels
            names.forEach(n -> config.put(n, Math.exp(-10 * random.nextDouble())));
            points.add(new TrialPoint(String.format(Locale.ROOT, "trial-%05d", i), i % 10 == 0 ? "DIVERGED"
                    : "COMPLETED", i % 10 == 0 ? null : 2 + random.nextDouble(), config));
        }
        SearchPoints p = SearchPoints.of("s", points, null);
        int bytes = Json.MAPPER.writeValueAsBytes(p).length;
        assertTrue(bytes < 1_500_000, bytes + " bytes");
        assertEquals(10, p.hyperparameters().size());
        assertEquals(List.of("DIVERGED", "COMPLETED"), p.status().levels());
        assertNull(p.hyperparameters().get(0).scale(), "no spec: the reader picks the scale");
        double exact = (Double) points.get(1).config().get(names.get(0));
        double sent = (Double) p.hyperparameters().get(0).values().get(1);
        assertEquals(exact, sent, exact * 1e-5);
        assertTrue(Double.toString(sent).replaceAll("E.*|^0\\.0*|\\.", "").length() <= SearchPoints.DIGITS, sent + "");
    }

    @Test
    void fewDistinctValuesAreExactLevelsAndMissingOnesCodeMinusOne() {
        List<TrialPoint> points = List.of(
                new TrialPoint("a", "COMPLETED", 2.0, Map.of("batch_size", 16, "learning_rate", 0.1234567891)),
                new TrialPoint("b", "COMPLETED", 2.5, Map.of("batch_size", 32, "learning_rate", 0.1234567891)),
                new TrialPoint("c", "CREATED", null, Map.of()));
        SearchPoints p = SearchPoints.of("s", points, null);
        assertEquals(2, p.hyperparameters().size());
        SearchPoints.Column rate = p.hyperparameters().stream().filter(c -> c.name().equals("learning_rate"))
                .findFirst().orElseThrow();
        assertEquals(List.of(0.1234567891), rate.levels(), "levels are exact");
        assertEquals(List.of(0, 0, -1), rate.codes());
        assertEquals(java.util.Arrays.asList(2.0, 2.5, null), p.bestValLoss());
    }
}
