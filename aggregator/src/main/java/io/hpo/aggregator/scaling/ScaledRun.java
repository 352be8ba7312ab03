package io.hpo.aggregator.scaling;

import io.hpo.aggregator.store.StoredTrial;
import io.hpo.events.TrialStatus;
import io.hpo.space.Hyperparameter;
import io.hpo.space.Hyperparameters;
import io.hpo.space.ModelSize;
import io.hpo.space.spec.BudgetSpec;
import io.hpo.space.spec.SearchSpec;
import io.hpo.space.spec.SpecLimits;
import io.hpo.space.spec.SpecWriter;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The spec of the run a scaling fit recommends for a compute budget: one trial of about N parameters trained once
 * over D tokens (FLOPs ≈ 6·N·D, as the allocation assumes). The rule:
 * <ol>
 *   <li>Start from the best completed trial among those whose model size is nearest N (in log N): its learning rate,
 *       schedule, batch and the rest are what the search found best at that size.</li>
 *   <li>Width and layers: keep that trial's depth-to-width ratio and heads; the width (a multiple of heads, so the
 *       heads divide it) whose parameter count is nearest N, with layers = its ratio × width, rounded, in [1, 64].</li>
 *   <li>Data: {@code data_fraction} = D / the search's training tokens, at most 1; steps = D / tokens per step,
 *       one pass. When D is more than the data holds, the run passes over it several times, which the notes say.</li>
 *   <li>Budget: one trial, no spend limits; wall time the base trial's, scaled by the FLOPs ratio, doubled for
 *       safety, within the spec's limits.</li>
 * </ol>
 */
public final class ScaledRun {

    static final String SUFFIX = "-scaled";

    /** The written spec with what it chose and why. */
    public record Plan(String specYaml, String baseTrialId, int width, int layers, long parameters,
                       double dataFraction, long tokens, int steps, List<String> notes) {
    }

    private ScaledRun() {
    }

    /**
     * @param spec     the search's recorded spec
     * @param trials   its stored trials
     * @param target   the fit's recommendation
     * @throws IllegalStateException when the search cannot be scaled (fine-tuning, no usable trial)
     */
    public static Plan plan(SearchSpec spec, List<StoredTrial> trials, ScalingReport.Recommendation target) {
        if (spec.init() != null) {
            throw new IllegalStateException("a fine-tuning search's model size is its checkpoint's: it cannot be"
                    + " scaled");
        }
        List<StoredTrial> usable = trials.stream().filter(t -> TrialStatus.COMPLETED.name().equals(t.status())
                && t.bestValLoss() != null && Double.isFinite(t.bestValLoss()) && t.parameters() != null
                && t.trainingTokens() != null && !t.config().isEmpty()).toList();
        if (usable.isEmpty()) {
            throw new IllegalStateException("no completed trial with a recorded size and configuration");
        }
        double logTarget = Math.log(target.parameters());
        double nearest = usable.stream().mapToDouble(t -> Math.abs(Math.log(t.parameters()) - logTarget)).min()
                .orElseThrow();
        StoredTrial base = usable.stream()
                .filter(t -> Math.abs(Math.log(t.parameters()) - logTarget) <= nearest + 1e-12)
                .min(Comparator.comparingDouble(StoredTrial::bestValLoss)).orElseThrow();
        Hyperparameters hp = Hyperparameters.fromMap(base.config());
        int vocabulary = ModelSize.vocabulary(hp, base.parameters());
        if (vocabulary < 0) {
            throw new IllegalStateException("trial " + base.trialId() + "'s recorded size " + base.parameters()
                    + " does not match its configuration: it was recorded by another model version");
        }
        Hyperparameters sized = sized(hp, vocabulary, target.parameters());
        List<String> notes = new ArrayList<>();

        long searchTokens = searchTrainingTokens(usable, base);
        long tokens = Math.round(target.tokens());
        double fraction = Math.min(1, (double) tokens / searchTokens);
        if (tokens > searchTokens) {
            notes.add(String.format(Locale.ROOT, "D = %,d tokens is %.1f times the search's %,d training tokens: the"
                    + " run passes over its data that many times", tokens, (double) tokens / searchTokens, searchTokens));
        }
        sized = sized.with(Hyperparameter.DATA_FRACTION, fraction);
        long perStep = (long) sized.batchSize() * sized.seqLength() * spec.training().workers();
        long wantedSteps = Math.max(1, (tokens + perStep - 1) / perStep);
        int steps = (int) Math.min(wantedSteps, SpecLimits.MAX_STEPS_PER_TRIAL);
        if (steps < wantedSteps) {
            notes.add(String.format(Locale.ROOT, "%,d steps are needed for D at %,d tokens a step; a spec allows %,d",
                    wantedSteps, perStep, steps));
        }
        long parameters = ModelSize.parameters(sized, vocabulary);
        Duration wall = wallTime(spec, base, 6.0 * parameters * tokens);
        SearchSpec run = spec.withBudget(new BudgetSpec(1, 1, steps, wall, Map.of()));
        List<String> headline = new ArrayList<>(List.of(String.format(Locale.ROOT,
                        "the run a scaling fit recommends for %.3g FLOPs (6·N·D)", target.flops()),
                String.format(Locale.ROOT, "N = %,d parameters (fit: %.3g), D = %,d tokens, predicted validation loss"
                        + " %.4f [%.4f, %.4f]", parameters, target.parameters(), tokens, target.loss(),
                        target.lossInterval().low(), target.lossInterval().high()),
                "from trial " + base.trialId() + ", the best at the nearest size (" + base.parameters()
                        + " parameters), scaled to width " + sized.width() + " and " + sized.layers() + " layers"));
        notes.forEach(n -> headline.add("note: " + n));
        return new Plan(SpecWriter.withFixed(run, sized, SUFFIX, headline), base.trialId(), sized.width(),
                sized.layers(), parameters, fraction, tokens, steps, notes);
    }

    /** The width (a multiple of heads) and layers, at the base's depth-to-width ratio, nearest {@code target}. */
    static Hyperparameters sized(Hyperparameters hp, int vocabulary, double target) {
        double ratio = (double) hp.layers() / hp.width();
        int maxWidth = (int) Hyperparameter.WIDTH.range().limit();
        int maxLayers = (int) Hyperparameter.LAYERS.range().limit();
        Hyperparameters best = hp;
        double bestDistance = Double.POSITIVE_INFINITY;
        for (int width = hp.heads(); width <= maxWidth; width += hp.heads()) {
            int layers = (int) Math.max(1, Math.min(maxLayers, Math.round(ratio * width)));
            Hyperparameters candidate = hp.with(Hyperparameter.WIDTH, width).with(Hyperparameter.LAYERS, layers);
            double distance = Math.abs(Math.log(ModelSize.parameters(candidate, vocabulary)) - Math.log(target));
            if (distance < bestDistance) {
                bestDistance = distance;
                best = candidate;
            }
        }
        return best;
    }

    /** The search's whole training split: a trial's D divided by its share (exact for a trial on all of it). */
    private static long searchTrainingTokens(List<StoredTrial> trials, StoredTrial base) {
        return trials.stream().filter(t -> Hyperparameters.fromMap(t.config()).dataFraction() == 1.0)
                .mapToLong(StoredTrial::trainingTokens).findFirst()
                .orElse(Math.round(base.trainingTokens() / Hyperparameters.fromMap(base.config()).dataFraction()));
    }

    private static Duration wallTime(SearchSpec spec, StoredTrial base, double flops) {
        Duration fallback = spec.budget().maxWallTime();
        if (base.spend() == null || !(base.spend().flops() > 0) || !(base.spend().executorSeconds() > 0)) {
            return fallback;
        }
        double seconds = base.spend().executorSeconds() / spec.training().workers() * flops / base.spend().flops() * 2;
        long capped = (long) Math.min(SpecLimits.MAX_WALL_TIME.toSeconds(), Math.max(fallback.toSeconds(),
                Math.ceil(seconds)));
        return Duration.ofSeconds(capped);
    }
}
