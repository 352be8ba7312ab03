package io.hpo.aggregator.results;

import io.hpo.aggregator.importance.PedAnova;
import io.hpo.aggregator.scaling.ComputeBudget;
import io.hpo.aggregator.scaling.ScaledRun;
import io.hpo.aggregator.scaling.ScalingAnalysis;
import io.hpo.aggregator.scaling.ScalingReport;
import io.hpo.aggregator.store.Curve;
import io.hpo.aggregator.store.LineageLink;
import io.hpo.aggregator.store.ResultsStore;
import io.hpo.aggregator.store.Page;
import io.hpo.aggregator.store.SearchSummary;
import io.hpo.aggregator.store.StoredTrial;
import io.hpo.aggregator.store.TrainingLine;
import io.hpo.aggregator.store.TrialFilter;
import io.hpo.aggregator.store.TrialOrder;

import io.hpo.events.ControlEvent;
import io.hpo.events.TrialStatus;
import io.hpo.space.cost.SpendMeasure;
import io.hpo.space.spec.EnqueuedConfigs;
import io.hpo.space.spec.ParamSpec;
import io.hpo.space.spec.SearchSpec;
import io.hpo.space.spec.SpecException;
import io.hpo.space.spec.SpecLoader;

import java.sql.SQLException;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The questions the HTTP API and the CLI answer, with the same errors for unknown ids. */
public final class Results {
    /** The cost measure the Pareto front uses unless asked for another. */
    public static final SpendMeasure DEFAULT_PARETO_COST = SpendMeasure.ENERGY_KWH;

    private final ResultsStore store;
    private final EndedTrialsMemo analyses = new EndedTrialsMemo();

    public Results(ResultsStore store) {
        this.store = store;
    }

    /** Every search, newest first (the CLI lists them all). */
    public List<SearchSummary> searches() throws SQLException {
        return store.searches();
    }

    /** A page of the searches, newest first. */
    public Page<SearchSummary> searches(int limit, int offset) throws SQLException {
        return store.searches(limit, offset);
    }

    /** The search, with its spec. */
    public SearchSummary search(String searchId) throws SQLException, UnknownIdException {
        return store.search(searchId).orElseThrow(() -> unknownSearch(searchId));
    }

    /**
     * The request that asks a running search's driver to run {@code text}, a configuration as YAML or JSON, next:
     * checked against the spec the search recorded as the spec's own {@code enqueue:} entries are, so a refusal is a
     * {@link SpecException} at {@code origin:line:column}.
     *
     * @param requestedBy who asks, for the driver's log
     * @throws SearchFinishedException when the search has finished: no driver would read the request
     */
    public ControlEvent enqueueRequest(String searchId, String text, String origin, String requestedBy)
            throws SQLException, UnknownIdException, SearchFinishedException {
        SearchSummary search = search(searchId);
        if (search.finished()) {
            throw new SearchFinishedException("search '" + searchId + "' already finished");
        }
        SearchSpec spec;
        try {
            spec = SpecLoader.parseRecorded(search.specYaml(), "search " + searchId + " (recorded spec)");
        } catch (SpecException e) {
            throw new IllegalStateException("the recorded spec of search '" + searchId + "' cannot be read: "
                    + e.getMessage(), e);
        }
        return ControlEvent.enqueueTrial(searchId, EnqueuedConfigs.parse(text, origin, spec), requestedBy);
    }

    /** Every trial of the search in ranking order (the CLI prints them all). */
    public List<StoredTrial> leaderboard(String searchId) throws SQLException, UnknownIdException {
        search(searchId);
        return store.rankedTrials(searchId);
    }

    /** A page of the search's trials in {@code order}. */
    public Page<StoredTrial> leaderboard(String searchId, TrialOrder order, int limit, int offset)
            throws SQLException, UnknownIdException {
        return leaderboard(searchId, order, TrialFilter.NONE, limit, offset);
    }

    /** A page of the search's trials that {@code filter} keeps, in {@code order}, each with its overall rank. */
    public Page<StoredTrial> leaderboard(String searchId, TrialOrder order, TrialFilter filter, int limit, int offset)
            throws SQLException, UnknownIdException {
        search(searchId);
        return store.trials(searchId, order, filter, limit, offset);
    }

    /**
     * Every trial's status, best loss and varying hyperparameters as columns (see {@link SearchPoints}); the axes'
     * scales come from the search's spec, or are left to the reader when it does not load.
     */
    public SearchPoints points(String searchId) throws SQLException, UnknownIdException {
        SearchSummary search = search(searchId);
        Map<String, ParamSpec> space = null;
        if (search.specYaml() != null) {
            try {
                space = SpecLoader.parseRecorded(search.specYaml(), "search " + searchId).space();
            } catch (SpecException | IllegalArgumentException e) {
                // an old or foreign spec: the points are still all there, only the axes' scales are guessed
            }
        }
        return SearchPoints.of(searchId, store.points(searchId), space);
    }

    /**
     * Population-based training's lineage: every exploit (which trial took over which donor's state at which step,
     * with which configuration), by step; empty for a search of another strategy.
     */
    public List<LineageLink> lineage(String searchId) throws SQLException, UnknownIdException {
        search(searchId);
        return store.lineage(searchId);
    }

    /** One trial with its rank, read alone. */
    public StoredTrial trial(String searchId, String trialId) throws SQLException, UnknownIdException {
        search(searchId);
        return store.trial(searchId, trialId).orElseThrow(() -> unknownTrial(searchId, trialId));
    }

    /** Every stored step (all workers) and evaluation of the trial. */
    public Curve curve(String searchId, String trialId) throws SQLException, UnknownIdException {
        search(searchId);
        return store.curve(searchId, trialId).orElseThrow(() -> unknownTrial(searchId, trialId));
    }

    /** The trial's lines over steps {@code from..to}, downsampled to about {@code points} points. */
    public TrainingLine trainingLine(String searchId, String trialId, long from, long to, int points)
            throws SQLException, UnknownIdException {
        search(searchId);
        return store.trainingLines(searchId, List.of(trialId), from, to, points).stream().findFirst()
                .orElseThrow(() -> unknownTrial(searchId, trialId));
    }

    /**
     * Downsampled lines of the given trials, or when none are given of a page of the search's trials in ranking
     * order; the page's total is the search's trial count (or the number of ids given).
     */
    public Page<TrainingLine> trainingLines(String searchId, List<String> trialIds, int limit, int offset,
                                            long from, long to, int points) throws SQLException, UnknownIdException {
        List<String> ids = trialIds;
        long total = trialIds.size();
        if (trialIds.isEmpty()) {
            Page<StoredTrial> page = leaderboard(searchId, TrialOrder.RANK, limit, offset);
            ids = page.items().stream().map(StoredTrial::trialId).toList();
            total = page.total();
        } else {
            search(searchId);
        }
        return new Page<>(store.trainingLines(searchId, ids, from, to, points), total, limit, offset);
    }

    /**
     * The measure the search's Pareto front of loss against one cost uses unless asked for another: a
     * multi-objective search's first spend objective, else {@link #DEFAULT_PARETO_COST}.
     */
    public SpendMeasure defaultCost(String searchId) throws SQLException, UnknownIdException, NotReadyException {
        SearchSummary search = search(searchId);
        return search.specYaml() == null ? DEFAULT_PARETO_COST : recordedSpec(search).objectives().stream()
                .findFirst().orElse(DEFAULT_PARETO_COST);
    }

    /** The measure named {@code key} (null: the default), or an error listing the known ones. */
    public static SpendMeasure costMeasure(String key) {
        if (key == null) {
            return DEFAULT_PARETO_COST;
        }
        return SpendMeasure.byKey(key).orElseThrow(() -> new IllegalArgumentException("unknown cost measure '"
                + key + "'; one of " + String.join(", ", SpendMeasure.keys())));
    }

    /**
     * The trials with a finite best validation loss and recorded accounting, placed against {@code measure}, and
     * the Pareto front among them (see {@link ParetoFront}).
     */
    public ParetoTrials pareto(String searchId, SpendMeasure measure) throws SQLException, UnknownIdException {
        return pareto(searchId, measure, Integer.MAX_VALUE, 0);
    }

    /** As {@link #pareto(String, SpendMeasure)}, the whole front but only a page of the placed trials. */
    public ParetoTrials pareto(String searchId, SpendMeasure measure, int limit, int offset)
            throws SQLException, UnknownIdException {
        search(searchId);
        List<StoredTrial> placed = store.placedTrials(searchId);
        Set<String> front = ParetoFront.of(placed.stream()
                .map(t -> new ParetoFront.Point(t.trialId(), t.bestValLoss(), t.spend().get(measure))).toList());
        List<ParetoTrials.Trial> trials = placed.stream().map(t -> new ParetoTrials.Trial(t.trialId(), t.status(),
                t.bestValLoss(), t.spend().get(measure), front.contains(t.trialId()), t.overfitting())).toList();
        return new ParetoTrials(searchId, measure.key(), measure.unit(), trials.stream()
                .filter(ParetoTrials.Trial::onFront).sorted(Comparator.comparingDouble(ParetoTrials.Trial::cost)
                        .thenComparingDouble(ParetoTrials.Trial::bestValLoss)).toList(), trials.size(),
                trials.subList(Math.min(offset, trials.size()), (int) Math.min((long) offset + limit, trials.size())));
    }

    /** Whether the search's recorded spec names objectives; false while the spec has not arrived. */
    public boolean isMultiObjective(String searchId) throws SQLException, UnknownIdException, NotReadyException {
        SearchSummary search = search(searchId);
        return search.specYaml() != null && recordedSpec(search).isMultiObjective();
    }

    /**
     * The Pareto front over the objectives of a multi-objective search's spec, among the trials with a finite best
     * loss and recorded accounting, with its hypervolume when there are two objectives ({@link SearchFront}).
     *
     * @throws NotReadyException when the spec has not arrived or names no objectives
     */
    public SearchFront front(String searchId) throws SQLException, UnknownIdException, NotReadyException {
        SearchSpec spec = recordedSpec(search(searchId));
        if (!spec.isMultiObjective()) {
            throw new NotReadyException("search '" + searchId + "' minimises the loss alone (its spec names no"
                    + " objectives); its loss against one spend is at /pareto?cost=MEASURE (pareto --cost)");
        }
        return SearchFront.of(searchId, spec.objectives(), store.placedTrials(searchId));
    }

    /**
     * The steps whose mean is a trial's final training loss in the scaling report: enough to average out the batch
     * to batch noise of one step, few enough to be the end of the schedule.
     */
    public static final int FINAL_TRAIN_STEPS = 20;

    /**
     * The scaling law fitted to the search's completed trials (see {@link ScalingAnalysis}), with a recommendation
     * for {@code budget} when given (in FLOPs or bought at this search's rate, {@link ComputeBudget}). Without a
     * budget the report is kept until a trial ends or an ended one changes; a budget's rate reads running trials
     * too, so that report is fitted each time.
     */
    public ScalingReport scaling(String searchId, ComputeBudget.Asked budget)
            throws SQLException, UnknownIdException, NotReadyException {
        search(searchId);
        return analyses.get("scaling", searchId, budget == null ? store.endedTrialsVersion(searchId) : null,
                () -> fitScaling(searchId, budget));
    }

    private ScalingReport fitScaling(String searchId, ComputeBudget.Asked budget)
            throws SQLException, NotReadyException {
        List<StoredTrial> placed = store.placedTrials(searchId);
        String problem = ScalingAnalysis.notReady(placed);
        if (problem != null) {
            throw new NotReadyException("search '" + searchId + "': " + problem);
        }
        ComputeBudget compute;
        try {
            compute = budget == null ? null : ComputeBudget.of(budget, placed);
        } catch (IllegalStateException e) {
            throw new NotReadyException("search '" + searchId + "': " + e.getMessage());
        }
        return ScalingAnalysis.of(searchId, placed, store.finalTrainLosses(searchId, FINAL_TRAIN_STEPS), compute);
    }

    /** The spec of the run the search's scaling fit recommends for {@code budget} (see {@link ScaledRun}). */
    public ScaledRun.Plan scaledRun(String searchId, ComputeBudget.Asked budget)
            throws SQLException, UnknownIdException, NotReadyException {
        return scaledRun(scaling(searchId, budget));
    }

    /** The spec of the run {@code report}'s recommendation names, without fitting the search again. */
    public ScaledRun.Plan scaledRun(ScalingReport report) throws SQLException, UnknownIdException, NotReadyException {
        String searchId = report.searchId();
        if (report.allocation() == null) {
            throw new NotReadyException("search '" + searchId + "' tried " + (report.modelTerm() ? "one data size"
                    : "one model size") + ": a budget is split between N and D only by a fit of both");
        }
        SearchSpec spec = recordedSpec(search(searchId));
        try {
            // the leaderboard, not the placed trials: the plan needs the configurations
            return ScaledRun.plan(spec, leaderboard(searchId), report.allocation());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("cannot write the scaled spec of search '" + searchId + "': "
                    + e.getMessage(), e);
        }
    }

    /** The first-ranked trial and the spec that reruns it. */
    public BestTrial best(String searchId) throws SQLException, UnknownIdException, NotReadyException {
        SearchSummary search = search(searchId);
        StoredTrial t = store.best(searchId).orElseThrow(() ->
                new NotReadyException("no trial of search '" + searchId + "' has a finite validation loss yet"));
        return rerun(search, t);
    }

    /** A chosen trial, such as one of a multi-objective search's front, and the spec that reruns it. */
    public BestTrial rerun(String searchId, String trialId)
            throws SQLException, UnknownIdException, NotReadyException {
        return rerun(search(searchId), trial(searchId, trialId));
    }

    private BestTrial rerun(SearchSummary search, StoredTrial t) throws SQLException, NotReadyException {
        String searchId = search.searchId();
        String specYaml = specYaml(search);
        if (t.bestValLoss() == null) {
            throw new NotReadyException("trial '" + t.trialId() + "' of search '" + searchId
                    + "' has no finite validation loss yet");
        }
        if (t.config().isEmpty()) {
            throw new NotReadyException("the configuration of trial '" + t.trialId() + "' has not arrived yet");
        }
        return new BestTrial(searchId, t.trialId(), t.status(), t.bestValLoss(), t.bestStep(), t.tokensAtBest(),
                t.config(), FixedSpec.render(specYaml, searchId, t.config()),
                store.checkpoint(searchId, t.trialId()).orElse(null));
    }

    /**
     * How much each searched hyperparameter explains the best validation loss ({@link PedAnova}). Every ended trial
     * with a finite best loss is compared, but only completed ones can be top trials: a pruned or diverged trial's
     * best loss comes from fewer steps, and its pruner (or its divergence) already judged it worse. A conditional
     * hyperparameter is compared over the trials where its parent makes it searched. Kept until a trial ends or an
     * ended one changes.
     */
    public Importance importance(String searchId) throws SQLException, UnknownIdException, NotReadyException {
        SearchSummary search = search(searchId);
        return analyses.get("importance", searchId, store.endedTrialsVersion(searchId), () -> importance(search));
    }

    private Importance importance(SearchSummary search) throws SQLException, NotReadyException {
        String searchId = search.searchId();
        Map<String, ParamSpec> space = recordedSpec(search).space();
        Map<String, PedAnova.Scale> scales = new LinkedHashMap<>();
        space.forEach((name, spec) -> PedAnova.Scale.of(spec).ifPresent(scale -> scales.put(name, scale)));
        List<PedAnova.Trial> trials = store.finishedTrials(searchId).stream().map(t -> new PedAnova.Trial(
                t.trialId(), searchedValues(space, t.config()), t.bestValLoss(),
                TrialStatus.COMPLETED.name().equals(t.status()))).toList();
        try {
            PedAnova.Result r = PedAnova.score(scales, trials);
            return new Importance(searchId, Importance.METHOD, PedAnova.TOP_QUANTILE, r.trials(), r.topTrials(),
                    r.scores());
        } catch (PedAnova.NotEnoughTrials e) {
            throw new NotReadyException("search '" + searchId + "': " + e.getMessage());
        }
    }

    /** The search's recorded spec; IllegalStateException when it no longer loads. */
    private static SearchSpec recordedSpec(SearchSummary search) throws NotReadyException {
        try {
            return SpecLoader.parseRecorded(specYaml(search), "search " + search.searchId());
        } catch (SpecException e) {
            throw new IllegalStateException("cannot read the spec of search '" + search.searchId() + "': "
                    + e.getMessage(), e);
        }
    }

    /** The trial's values less those of conditional hyperparameters its parent's value leaves unsearched. */
    private static Map<String, Object> searchedValues(Map<String, ParamSpec> space, Map<String, Object> config) {
        Map<String, Object> values = new LinkedHashMap<>(config);
        space.forEach((name, spec) -> {
            if (spec instanceof ParamSpec.Conditional c && !c.isActiveIn(config)) {
                values.remove(name);
            }
        });
        return values;
    }

    private static String specYaml(SearchSummary search) throws NotReadyException {
        if (search.specYaml() == null) {
            throw new NotReadyException("the spec of search '" + search.searchId()
                    + "' has not arrived yet (SEARCH_STARTED)");
        }
        return search.specYaml();
    }

    private static UnknownIdException unknownTrial(String searchId, String trialId) {
        return new UnknownIdException("search '" + searchId + "' has no trial '" + trialId + "'");
    }

    private static UnknownIdException unknownSearch(String searchId) {
        return new UnknownIdException("unknown search '" + searchId + "'");
    }
}
