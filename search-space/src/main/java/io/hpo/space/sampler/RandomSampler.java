package io.hpo.space.sampler;

import io.hpo.space.Hyperparameters;
import io.hpo.space.spec.ParamSpec;
import io.hpo.space.spec.ValueCombinations;
import org.deeplearning4j.arbiter.optimize.api.Candidate;
import org.deeplearning4j.arbiter.optimize.generator.RandomSearchGenerator;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;

/**
 * Independent random draws through Arbiter's {@link RandomSearchGenerator}, seeded with the spec's seed: the same
 * spec gives the same sequence. Draws that break a constraint are redrawn. When every hyperparameter takes finitely
 * many values (at most {@link #FINITE_LIMIT} combinations), no configuration is suggested twice and the sampler
 * ends once all feasible ones were suggested.
 */
public final class RandomSampler implements Sampler {

    /** Largest finite space whose feasible configurations are listed up front to avoid repeats. */
    public static final int FINITE_LIMIT = 100_000;
    /** Consecutive failed draws after which a continuous space is declared too constrained to sample. */
    static final int MAX_DRAWS = 10_000;
    /** Consecutive failed draws in a finite space after which the next one is picked among those left. */
    static final int MAX_FINITE_DRAWS = 1_000;

    private final SamplingSpace sampling;
    private final CandidateSpace space;
    private final RandomSearchGenerator generator;
    /** Feasible configurations not suggested yet; null when the space is continuous or too large to list. */
    private final LinkedHashSet<Hyperparameters> remaining;
    /** Picks among {@link #remaining} once draws keep hitting used ones; seeded, so still reproducible. */
    private final Random fallback;

    public RandomSampler(SamplingSpace sampling) {
        this.sampling = sampling;
        this.space = new CandidateSpace(sampling);
        this.generator = new RandomSearchGenerator(space, null);
        this.generator.setRngSeed(sampling.seed());
        this.remaining = feasibleConfigurations(sampling);
        this.fallback = new Random(sampling.seed());
    }

    /** Feasible configurations not suggested yet, or -1 when the space is continuous or larger than FINITE_LIMIT. */
    public int remainingCount() {
        return remaining == null ? -1 : remaining.size();
    }

    /** Ignores the history: the draws are fixed by the seed, and the sampler itself never repeats in finite spaces. */
    @Override
    public Optional<Hyperparameters> suggest(SearchHistory history) {
        if (remaining != null && remaining.isEmpty()) {
            return Optional.empty();
        }
        int limit = remaining != null ? MAX_FINITE_DRAWS : MAX_DRAWS;
        for (int draw = 0; draw < limit; draw++) {
            Candidate candidate = generator.getCandidate();
            Optional<Hyperparameters> hp = space.feasibleAt(candidate.getFlatParameters());
            if (hp.isPresent() && (remaining == null || remaining.remove(hp.get()))) {
                return hp;
            }
        }
        if (remaining != null) {
            return Optional.of(takeAt(fallback.nextInt(remaining.size())));
        }
        throw new IllegalStateException("no configuration of search '" + sampling.searchName() + "' met the"
                + " constraints (" + sampling.constraintsText() + ") in " + MAX_DRAWS
                + " random draws: loosen them or narrow the ranges");
    }

    private Hyperparameters takeAt(int index) {
        Iterator<Hyperparameters> it = remaining.iterator();
        for (int i = 0; i < index; i++) {
            it.next();
        }
        Hyperparameters hp = it.next();
        it.remove();
        return hp;
    }

    private static LinkedHashSet<Hyperparameters> feasibleConfigurations(SamplingSpace sampling) {
        List<String> names = new ArrayList<>(sampling.params().keySet());
        List<List<Object>> axes = new ArrayList<>();
        for (ParamSpec written : sampling.params().values()) {
            ParamSpec p = written.sampled();
            if (!p.isFinite() || p.size() > FINITE_LIMIT) {
                return null;
            }
            axes.add(p.probe((int) p.size()));
        }
        if (ValueCombinations.count(axes) > FINITE_LIMIT) {
            return null;
        }
        LinkedHashSet<Hyperparameters> feasible = new LinkedHashSet<>();
        ValueCombinations.visit(names, axes, sampled -> {
            // combinations differing only in a value their condition excludes are one configuration
            sampling.feasible(ParamSpec.Conditional.settle(sampling.params(), new HashMap<>(sampled)))
                    .ifPresent(feasible::add);
            return true;
        });
        return feasible;
    }
}
