package io.hpo.worker.bench;

import io.hpo.space.Hyperparameters;
import io.hpo.space.pbt.PopulationBasedTraining;
import io.hpo.space.sampler.Sampler;
import io.hpo.space.sampler.Samplers;
import io.hpo.space.sampler.SamplingSpace;
import io.hpo.space.sampler.SearchHistory;
import io.hpo.space.spec.PbtSpec;
import io.hpo.space.spec.SearchSpec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * A pbt search as the driver's population runner runs it (the members drawn by the spec's sampler, trained interval
 * by interval, the same exploit rule at each boundary but the last), with the members' intervals trained one after
 * another in this JVM. Compute is counted in steps as the members take them, interval by interval, so a population
 * spends its first interval on every member before any exploit; the last interval is cut when the budget runs out.
 * A member whose loss diverges leaves the population, as in the driver.
 */
record PopulationSearch(SearchSpec spec, TrialTraining.Factory trials, long budgetSteps) {

    SearchCurve run(TrialLog log) {
        PbtSpec pbt = spec.strategy().pbt();
        Sampler sampler = Samplers.forSpec(spec);
        PopulationBasedTraining rule = new PopulationBasedTraining(SamplingSpace.of(spec), pbt);
        SearchCurve curve = new SearchCurve();
        Map<String, RunningTrial> alive = new LinkedHashMap<>();
        List<Hyperparameters> drawn = new ArrayList<>();
        for (int index = 0; index < pbt.population(); index++) {
            Optional<Hyperparameters> hp = sampler.suggest(new SearchHistory(List.of(), drawn));
            if (hp.isEmpty()) {
                break;
            }
            drawn.add(hp.get());
            RunningTrial member = new RunningTrial(index, hp.get(), trials.start(hp.get(), index), log);
            alive.put(member.id(), member);
        }
        int maxSteps = spec.budget().maxStepsPerTrial();
        long spent = 0;
        for (long from = 0; !alive.isEmpty(); from += pbt.exploitEvery()) {
            long to = Math.min(from + pbt.exploitEvery(), maxSteps);
            for (RunningTrial member : List.copyOf(alive.values())) {
                boolean diverged = false;
                while (member.steps() < to && spent < budgetSteps && !diverged) {
                    spent++;
                    OptionalDouble loss = member.step(spec.training().evalEvery(), to);
                    if (loss.isPresent()) {
                        diverged = !Double.isFinite(loss.getAsDouble());
                        if (!diverged) {
                            curve.evaluated(spent, loss.getAsDouble(), member::testLoss);
                        }
                    }
                }
                if (member.steps() < to || to == maxSteps) {
                    alive.remove(member.id());
                    member.ended(spec.cost(), curve, log, spent, false);
                }
            }
            exploit(rule, to, alive);
        }
        return curve;
    }

    private static void exploit(PopulationBasedTraining rule, long step, Map<String, RunningTrial> alive) {
        if (alive.size() < 2) {
            return;
        }
        List<PopulationBasedTraining.Member> ranked = alive.values().stream().map(m ->
                new PopulationBasedTraining.Member(m.id(), m.hyperparameters(), m.lossAt(step))).toList();
        for (PopulationBasedTraining.Exploitation x : rule.exploit(step, ranked)) {
            alive.get(x.member()).takeOver(alive.get(x.donor()), x.after());
        }
    }
}
