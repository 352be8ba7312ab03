package io.hpo.worker.bench;

import io.hpo.space.spec.SearchSpec;
import io.hpo.space.spec.SpecLoader;
import io.hpo.worker.data.CorpusSplit;
import io.hpo.worker.data.QuestionFormationCorpus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Random search against TPE and TPE with ASHA at an equal compute budget on the demo task; prints a table. Runs
 * only when asked:
 * {@code mvn -B -o -q -pl worker -am test -Dtest=StrategyBenchmark -Dsurefire.failIfNoSpecifiedTests=false
 * -Dhpo.bench=strategy} (settings: {@link BenchmarkSettings}).
 */
@EnabledIfSystemProperty(named = "hpo.bench", matches = "strategy")
class StrategyBenchmark {

    private static final Map<String, String[]> STRATEGIES = new LinkedHashMap<>();

    static {
        STRATEGIES.put("random", new String[]{"random", "none"});
        STRATEGIES.put("tpe", new String[]{"tpe", "none"});
        STRATEGIES.put("tpe+asha", new String[]{"tpe", "asha"});
    }

    @Test
    void compareStrategies() {
        BenchmarkSettings settings = BenchmarkSettings.fromSystemProperties();
        System.out.println("strategy benchmark: " + settings);
        Map<String, List<Double>> bests = new LinkedHashMap<>();
        Map<String, List<Long>> toReach = new LinkedHashMap<>();
        STRATEGIES.keySet().forEach(s -> {
            bests.put(s, new ArrayList<>());
            toReach.put(s, new ArrayList<>());
        });
        System.out.printf("%-5s %-9s %13s %22s %7s %7s%n", "seed", "strategy", "best val loss",
                "steps to random best", "trials", "pruned");
        for (long seed = 1; seed <= settings.seeds(); seed++) {
            double randomBest = Double.NaN;
            for (Map.Entry<String, String[]> s : STRATEGIES.entrySet()) {
                SearchSpec spec = SpecLoader.parse(settings.spec(seed, s.getValue()[0], s.getValue()[1]), "benchmark");
                CorpusSplit data = CorpusSplit.ofLines(QuestionFormationCorpus.generate(settings.sentences(), seed),
                        spec.data().validationFraction(), seed);
                SearchCurve curve = new InProcessSearch(spec, data, settings.budgetSteps()).run();
                if (s.getKey().equals("random")) {
                    randomBest = curve.best();
                }
                long steps = curve.stepsToReach(randomBest);
                bests.get(s.getKey()).add(curve.best());
                toReach.get(s.getKey()).add(steps < 0 ? Long.MAX_VALUE : steps);
                System.out.printf("%-5d %-9s %13.4f %22s %7d %7d%n", seed, s.getKey(), curve.best(),
                        steps < 0 ? "not reached" : Long.toString(steps), curve.trials(), curve.pruned());
            }
        }
        System.out.printf("%nmedian over %d seeds, budget %d steps per search%n", settings.seeds(),
                settings.budgetSteps());
        System.out.printf("%-9s %13s %22s %18s%n", "strategy", "best val loss", "steps to random best",
                "share of random's");
        long randomSteps = median(toReach.get("random"));
        for (String s : STRATEGIES.keySet()) {
            long steps = median(toReach.get(s));
            System.out.printf("%-9s %13.4f %22s %18s%n", s, medianLoss(bests.get(s)),
                    steps == Long.MAX_VALUE ? "not reached" : Long.toString(steps),
                    steps == Long.MAX_VALUE ? "-" : String.format("%.2f", steps / (double) randomSteps));
        }
    }

    private static long median(List<Long> values) {
        long[] v = values.stream().mapToLong(Long::longValue).sorted().toArray();
        return v[v.length / 2];
    }

    private static double medianLoss(List<Double> values) {
        double[] v = values.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(v);
        return v[v.length / 2];
    }
}
