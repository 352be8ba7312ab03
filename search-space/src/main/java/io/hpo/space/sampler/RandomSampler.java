package io.hpo.space.sampler;

import io.hpo.space.Hyperparameters;
import io.hpo.space.spec.ParamSpec;
import io.hpo.space.spec.ValueCombinations;
import org.deeplearning4j.arbiter.optimize.generator.RandomSearchGenerator;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;

/**
 * Independent random draws through Arbiter's {@link RandomSearchGenerator}, seeded with the spec's seed: the same
 * spec gives the same sequence. Draws that break a constraint are redrawn, and so are draws of a configuration
 * suggested before or held by the history: no configuration is suggested twice. When every hyperparameter takes
 * finitely many values (at most {@link #FINITE_LIMIT} combinations), the feasible configurations are listed up front,
 * the sampler ends once all were suggested, and after {@link #MAX_FINITE_DRAWS} consecutive failed draws the next one
 * is picked among those left by a second generator seeded with the seed.
 * <p>
 * A resumed search restores its position from the history alone: a fresh sampler given the history of a stopped
 * search's first n suggestions walks the same draws from the start. A draw of a configuration the history holds that
 * the walk meets for the first time is where the stopped sampler suggested it: it is passed over and the count of
 * consecutive failed draws starts again, as the stopped sampler's next call did. A draw of a configuration met before
 * counts as a failure, for the stopped sampler as for the resumed one, so a fallback pick happens at the same draw,
 * among the same configurations left, in the same order, and a pick the history holds is passed over in the same
 * way. The (n + 1)-th suggestion is then the one the stopped sampler would have made, in continuous and finite spaces
 * alike, whatever order the history lists its trials in. A history that is no such prefix (another seed, a trial
 * launched without this sampler) still gives a deterministic suggestion, untried.
 * <p>
 * Without a resume the history holds only what this sampler suggested and met already, so the sequence is fixed by
 * the seed alone. A draw that repeats an earlier suggestion exactly, which only a space of discrete values too large
 * to list makes likely, is drawn again rather than tried twice.
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
    /** Feasible configurations not met yet; null when the space is continuous or too large to list. */
    private final LinkedHashSet<Hyperparameters> remaining;
    /** Picks among {@link #remaining} once draws keep hitting used ones; seeded, so still reproducible. */
    private final Random fallback;
    /** Configurations met in a space not listed: suggested, or held by a history; bounded by the trial count. */
    private final Set<Hyperparameters> met = new HashSet<>();

    public RandomSampler(SamplingSpace sampling) {
        this.sampling = sampling;
        this.space = new CandidateSpace(sampling);
        this.generator = new RandomSearchGenerator(space, null);
        this.generator.setRngSeed(sampling.seed());
        this.remaining = feasibleConfigurations(sampling);
        this.fallback = new Random(sampling.seed());
    }

    /**
     * Feasible configurations neither suggested nor held by the history of a suggestion, or -1 when the space is
     * continuous or larger than FINITE_LIMIT.
     */
    public int remainingCount() {
        return remaining == null ? -1 : remaining.size();
    }

    @Override
    public Optional<Hyperparameters> suggest(SearchHistory history) {
        int limit = remaining != null ? MAX_FINITE_DRAWS : MAX_DRAWS;
        int failures = 0;
        while (remaining == null || !remaining.isEmpty()) {
            if (failures == limit) {
                if (remaining == null) {
                    throw new IllegalStateException("no untried configuration of search '" + sampling.searchName()
                            + "' met the constraints (" + sampling.constraintsText() + ") in " + MAX_DRAWS
                            + " random draws: loosen them or narrow the ranges");
                }
                Hyperparameters picked = takeAt(fallback.nextInt(remaining.size()));
                if (!history.contains(picked)) {
                    return suggested(picked, history);
                }
                failures = 0;
                continue;
            }
            Optional<Hyperparameters> hp = space.feasibleAt(generator.getCandidate().getFlatParameters());
            if (hp.isEmpty() || !metFirstTime(hp.get())) {
                failures++;
            } else if (history.contains(hp.get())) {
                failures = 0;
            } else {
                return suggested(hp.get(), history);
            }
        }
        return Optional.empty();
    }

    /**
     * {@code hp}, once the configurations left lose any the history holds: after a prefix history the walk met them
     * all already, and after any other they must not be picked either.
     */
    private Optional<Hyperparameters> suggested(Hyperparameters hp, SearchHistory history) {
        if (remaining != null) {
            remaining.removeAll(history.tried());
        }
        return Optional.of(hp);
    }

    /** Whether the walk meets {@code hp} for the first time, marking it met. */
    private boolean metFirstTime(Hyperparameters hp) {
        return remaining != null ? remaining.remove(hp) : met.add(hp);
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
