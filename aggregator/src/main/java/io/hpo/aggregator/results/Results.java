package io.hpo.aggregator.results;

import io.hpo.aggregator.store.Curve;
import io.hpo.aggregator.store.ResultsStore;
import io.hpo.aggregator.store.Page;
import io.hpo.aggregator.store.SearchSummary;
import io.hpo.aggregator.store.StoredTrial;
import io.hpo.aggregator.store.TrainingLine;
import io.hpo.aggregator.store.TrialOrder;

import io.hpo.events.ControlEvent;
import io.hpo.space.cost.SpendMeasure;
import io.hpo.space.spec.EnqueuedConfigs;
import io.hpo.space.spec.SearchSpec;
import io.hpo.space.spec.SpecException;
import io.hpo.space.spec.SpecLoader;

import java.sql.SQLException;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/** The questions the HTTP API and the CLI answer, with the same errors for unknown ids. */
public final class Results {
    /** The cost measure the Pareto front uses unless asked for another. */
    public static final SpendMeasure DEFAULT_PARETO_COST = SpendMeasure.ENERGY_KWH;

    private final ResultsStore store;

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
        search(searchId);
        return store.trials(searchId, order, limit, offset);
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

    /** The first-ranked trial and the spec that reruns it. */
    public BestTrial best(String searchId) throws SQLException, UnknownIdException, NotReadyException {
        SearchSummary search = search(searchId);
        StoredTrial t = store.best(searchId).orElseThrow(() ->
                new NotReadyException("no trial of search '" + searchId + "' has a finite validation loss yet"));
        if (search.specYaml() == null) {
            throw new NotReadyException("the spec of search '" + searchId + "' has not arrived yet (SEARCH_STARTED)");
        }
        if (t.config().isEmpty()) {
            throw new NotReadyException("the configuration of trial '" + t.trialId() + "' has not arrived yet");
        }
        return new BestTrial(searchId, t.trialId(), t.status(), t.bestValLoss(), t.bestStep(), t.tokensAtBest(),
                t.config(), FixedSpec.render(search.specYaml(), searchId, t.config()),
                store.checkpoint(searchId, t.trialId()).orElse(null));
    }

    private static UnknownIdException unknownTrial(String searchId, String trialId) {
        return new UnknownIdException("search '" + searchId + "' has no trial '" + trialId + "'");
    }

    private static UnknownIdException unknownSearch(String searchId) {
        return new UnknownIdException("unknown search '" + searchId + "'");
    }
}
