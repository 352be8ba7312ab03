package io.hpo.space.pbt;

import io.hpo.space.Hyperparameter;
import io.hpo.space.Hyperparameters;
import io.hpo.space.params.ArbiterSpaces;
import io.hpo.space.sampler.SamplingSpace;
import io.hpo.space.spec.ParamSpec;
import io.hpo.space.spec.PbtSpec;
import org.deeplearning4j.arbiter.optimize.api.ParameterSpace;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/**
 * Population-based training's exploit-and-explore step, taken by the whole population at once at each exploit point
 * (every exploit_every steps). Members are ranked by their loss at that step, best first (NaN counts as worst, ties
 * go by member id). With k = max(1, floor(n * quantile)), each of the k worst members (truncation selection) copies
 * the state of a member drawn uniformly from the k best and continues with the donor's hyperparameters, explored:
 * each hyperparameter of {@link #EXPLORED} that the space varies (and, if conditional, that the donor's values make
 * active) is, with probability resample_probability, drawn afresh from its spec; otherwise it is multiplied by a
 * factor drawn uniformly from the perturb list and kept within the spec: a range clamps to its ends (an integer one
 * rounds), a list of choices moves one place up (factor above 1) or down (below 1). The other members go on
 * unchanged. An explored configuration that breaks a written constraint is explored again from the donor's values,
 * up to {@link #MAX_EXPLORE_TRIES} times, and the donor's configuration is taken unchanged after that.
 * <p>
 * The random draws of an exploit point come from a generator seeded with the spec's seed and the step alone, so a
 * resumed driver that reaches the same step with the same losses decides exactly as the stopped one did.
 * <p>
 * Paper: Jaderberg et al., "Population Based Training of Neural Networks", arXiv:1711.09846.
 */
public final class PopulationBasedTraining {

    /**
     * What a member may change mid-training, because the copied weights and optimizer state stay valid under it:
     * the learning rate (and its warm-up), dropout, weight decay and the gradient clip. Never the architecture
     * (layers, width, heads, mlp_multiplier, seq_length: they shape the parameters being copied), batch_size (it
     * changes the data a step sees and the memory a worker needs), the optimizer (its state would not fit), the
     * schedule (its shape is fixed from the first step), data_fraction or the fine-tuning settings.
     */
    public static final List<Hyperparameter<?>> EXPLORED = List.of(Hyperparameter.LEARNING_RATE,
            Hyperparameter.WARMUP_STEPS, Hyperparameter.DROPOUT, Hyperparameter.WEIGHT_DECAY,
            Hyperparameter.GRAD_CLIP);
    /** Explorations of one exploit that may break a constraint before the donor's configuration is kept as it is. */
    static final int MAX_EXPLORE_TRIES = 100;

    private final SamplingSpace space;
    private final PbtSpec settings;

    public PopulationBasedTraining(SamplingSpace space, PbtSpec settings) {
        this.space = space;
        this.settings = settings;
    }

    /** A member at an exploit point: its id, the configuration it trained this interval with, its loss. */
    public record Member(String id, Hyperparameters hyperparameters, double loss) {
    }

    /**
     * A member that copies a donor's state at a step and goes on with {@code after}.
     *
     * @param changes how each explored hyperparameter changed, e.g. {@code x1.2} or {@code resampled}; empty when the
     *                donor's configuration was kept (nothing varies, or every exploration broke a constraint)
     */
    public record Exploitation(String member, String donor, long step, Hyperparameters before,
                               Hyperparameters after, Map<String, String> changes) {
    }

    /** The exploitations at {@code step}, worst member first; members not listed go on unchanged. */
    public List<Exploitation> exploit(long step, List<Member> population) {
        List<Member> ranked = new ArrayList<>(population);
        ranked.sort(Comparator.comparingDouble((Member m) -> Double.isNaN(m.loss()) ? Double.POSITIVE_INFINITY
                : m.loss()).thenComparing(Member::id));
        int k = settings.truncated(ranked.size());
        if (2 * k > ranked.size()) {
            return List.of();
        }
        List<Member> top = ranked.subList(0, k);
        Random random = new Random(space.seed() * 0x9E3779B97F4A7C15L + step);
        List<Exploitation> out = new ArrayList<>();
        for (int i = ranked.size() - 1; i >= ranked.size() - k; i--) {
            Member member = ranked.get(i);
            Member donor = top.get(random.nextInt(k));
            out.add(explored(member, donor, step, random));
        }
        return out;
    }

    private Exploitation explored(Member member, Member donor, long step, Random random) {
        for (int attempt = 0; attempt < MAX_EXPLORE_TRIES; attempt++) {
            Map<String, Object> values = donor.hyperparameters().toMap();
            Map<String, String> changes = new LinkedHashMap<>();
            for (Hyperparameter<?> p : EXPLORED) {
                explore(p.name(), values, changes, random);
            }
            Optional<Hyperparameters> feasible = space.feasible(values);
            if (feasible.isPresent()) {
                return new Exploitation(member.id(), donor.id(), step, member.hyperparameters(), feasible.get(),
                        changes);
            }
        }
        return new Exploitation(member.id(), donor.id(), step, member.hyperparameters(), donor.hyperparameters(),
                Map.of());
    }

    /** Explores one hyperparameter in {@code values} in place, noting how in {@code changes}. */
    private void explore(String name, Map<String, Object> values, Map<String, String> changes, Random random) {
        ParamSpec written = space.params().get(name);
        if (written instanceof ParamSpec.Conditional c && !c.isActiveIn(values)) {
            return;
        }
        ParamSpec spec = written.sampled();
        ParameterSpace<?> leaf = ArbiterSpaces.of(spec);
        if (leaf.numParameters() == 0) {
            return;
        }
        if (random.nextDouble() < settings.resampleProbability()) {
            leaf.setIndices(0);
            values.put(name, withinRange(spec, leaf.getValue(new double[]{random.nextDouble()})));
            changes.put(name, "resampled");
            return;
        }
        double factor = settings.perturb().get(random.nextInt(settings.perturb().size()));
        values.put(name, perturbed(spec, values.get(name), factor));
        changes.put(name, "x" + Hyperparameter.format(factor));
    }

    private static Object perturbed(ParamSpec spec, Object value, double factor) {
        double v = ((Number) value).doubleValue();
        if (spec instanceof ParamSpec.Choice c) {
            List<Double> sorted = c.values().stream().map(x -> ((Number) x).doubleValue()).sorted().toList();
            int at = nearestIndex(sorted, v);
            int moved = Math.max(0, Math.min(sorted.size() - 1, at + (factor > 1 ? 1 : factor < 1 ? -1 : 0)));
            double chosen = sorted.get(moved);
            return c.values().stream().filter(x -> ((Number) x).doubleValue() == chosen).findFirst().orElseThrow();
        }
        if (spec instanceof ParamSpec.IntRange r) {
            return (int) Math.max(r.min(), Math.min(r.max(), Math.round(v * factor)));
        }
        return withinRange(spec, v * factor);
    }

    /** A numeric value clamped to the spec's ends (an inverse CDF can land a few ulps outside them). */
    private static Object withinRange(ParamSpec spec, Object value) {
        if (!(spec instanceof ParamSpec.RealRange)) {
            return value;
        }
        return Math.max(spec.smallest(), Math.min(spec.largest(), ((Number) value).doubleValue()));
    }

    private static int nearestIndex(List<Double> sorted, double v) {
        int best = 0;
        for (int i = 1; i < sorted.size(); i++) {
            if (Math.abs(sorted.get(i) - v) < Math.abs(sorted.get(best) - v)) {
                best = i;
            }
        }
        return best;
    }
}
