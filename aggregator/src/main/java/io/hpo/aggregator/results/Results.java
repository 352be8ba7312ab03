package io.hpo.aggregator.results;

import io.hpo.aggregator.store.Curve;
import io.hpo.aggregator.store.ResultsStore;
import io.hpo.aggregator.store.SearchSummary;
import io.hpo.aggregator.store.TrialResult;

import io.hpo.space.cost.SpendMeasure;

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

    public List<SearchSummary> searches() throws SQLException {
        return store.searches();
    }

    /** The search, with its spec. */
    public SearchSummary search(String searchId) throws SQLException, UnknownIdException {
        return store.search(searchId).orElseThrow(() -> unknownSearch(searchId));
    }

    public List<TrialResult> leaderboard(String searchId) throws SQLException, UnknownIdException {
        search(searchId);
        return store.rankedTrials(searchId);
    }

    public Curve curve(String searchId, String trialId) throws SQLException, UnknownIdException {
        search(searchId);
        return store.curve(searchId, trialId).orElseThrow(() ->
                new UnknownIdException("search '" + searchId + "' has no trial '" + trialId + "'"));
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
        List<TrialResult> placed = leaderboard(searchId).stream()
                .filter(t -> t.bestValLoss() != null && t.spend() != null).toList();
        Set<String> front = ParetoFront.of(placed.stream()
                .map(t -> new ParetoFront.Point(t.trialId(), t.bestValLoss(), t.spend().get(measure))).toList());
        List<ParetoTrials.Trial> trials = placed.stream().map(t -> new ParetoTrials.Trial(t.trialId(), t.status(),
                t.bestValLoss(), t.spend().get(measure), front.contains(t.trialId()), t.overfitting())).toList();
        return new ParetoTrials(searchId, measure.key(), measure.unit(), trials.stream()
                .filter(ParetoTrials.Trial::onFront).sorted(Comparator.comparingDouble(ParetoTrials.Trial::cost)
                        .thenComparingDouble(ParetoTrials.Trial::bestValLoss)).toList(), trials);
    }

    /** The first-ranked trial and the spec that reruns it. */
    public BestTrial best(String searchId) throws SQLException, UnknownIdException, NotReadyException {
        SearchSummary search = search(searchId);
        TrialResult t = store.best(searchId).orElseThrow(() ->
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

    private static UnknownIdException unknownSearch(String searchId) {
        return new UnknownIdException("unknown search '" + searchId + "'");
    }
}
