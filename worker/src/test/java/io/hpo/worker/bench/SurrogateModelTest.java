package io.hpo.worker.bench;

import io.hpo.space.Hyperparameters;
import io.hpo.space.spec.SpecDefaults;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SurrogateModelTest {

    private static final String[] SCHEDULES = {"CONSTANT", "LINEAR", "COSINE"};

    /** A made-up loss with the surrogate's shape: quadratic in log10 learning rate, linear in the rest. */
    private static double loss(double lr, int warmup, String schedule, int batch, double dropout, double wd,
                               int width) {
        double x = Math.log10(lr);
        return 2.0 + 0.6 * x + 0.2 * x * x - 0.05 * (batch == 16 ? 1 : 0) - 0.01 * (width - 24) / 8.0
                + 0.2 * dropout + 0.01 * Math.log10(wd) + ("COSINE".equals(schedule) ? 0.06 : 0) + 0.002 * warmup;
    }

    @Test
    void aFitRecoversTheLossesAndTheNoiseOfTheTrialsItWasFittedTo() {
        Random rng = new Random(1);
        List<String> rows = new ArrayList<>();
        for (int i = 0; i < 600; i++) {
            double lr = Math.pow(10, -4 + 2.5 * rng.nextDouble());
            int warmup = rng.nextInt(16);
            String schedule = SCHEDULES[rng.nextInt(3)];
            int batch = rng.nextBoolean() ? 8 : 16;
            double dropout = 0.3 * rng.nextDouble();
            double wd = Math.pow(10, -5 + 4 * rng.nextDouble());
            int width = 16 + 8 * rng.nextInt(3);
            double last = loss(lr, warmup, schedule, batch, dropout, wd, width);
            int steps = i % 3 == 0 ? 30 : 90;
            rows.add(String.format(Locale.ROOT, "1,random,%d,%.6g,%d,%s,%d,%.4f,%.6g,%d,%d,0,%.5f,%.5f,false", i, lr,
                    warmup, schedule, batch, dropout, wd, width, steps, last + 0.3 + 0.02 * rng.nextGaussian(),
                    last + 0.01 * rng.nextGaussian()));
        }
        SurrogateModel model = SurrogateModel.fit(rows, 90);

        assertEquals(0.02, model.firstRungNoise(), 0.003);
        assertEquals(0.01, model.finalNoise(), 0.0015);
        assertEquals(0, model.correlation(), 0.15);
        Map<String, Object> values = new HashMap<>(SpecDefaults.HYPERPARAMETERS.toMap());
        values.put(Hyperparameters.LEARNING_RATE, 0.02);
        values.put(Hyperparameters.BATCH_SIZE, 16);
        Hyperparameters hp = Hyperparameters.fromMap(values);
        double expected = loss(0.02, hp.warmupSteps(), hp.schedule().name(), 16, hp.dropout(), hp.weightDecay(),
                hp.width());
        double[] mean = new double[2];
        Random draws = new Random(2);
        for (int i = 0; i < 4000; i++) {
            double[] d = model.draw(hp, draws);
            mean[0] += d[0] / 4000;
            mean[1] += d[1] / 4000;
        }
        assertEquals(expected + 0.3, mean[0], 0.005);
        assertEquals(expected, mean[1], 0.005);
    }

    @Test
    void theMeasuredTrialsFitWithNoiseOfTheOrderOfTheLossDifferencesBetweenGoodConfigurations() {
        SurrogateModel model = SurrogateModel.fitMeasured(90);
        assertTrue(model.finalNoise() > 0.02 && model.finalNoise() < 0.2, model.toString());
        assertTrue(model.firstRungNoise() > 0.02 && model.firstRungNoise() < 0.2, model.toString());
        assertTrue(model.correlation() > 0.3, model.toString());
    }
}
