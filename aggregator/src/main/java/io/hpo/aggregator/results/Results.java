package io.hpo.aggregator.results;

import io.hpo.aggregator.store.Curve;
import io.hpo.aggregator.store.ResultsStore;
import io.hpo.aggregator.store.SearchSummary;
import io.hpo.aggregator.store.TrialResult;

import java.sql.SQLException;
import java.util.List;

/** The questions the HTTP API and the CLI answer, with the same errors for unknown ids. */
public final class Results {
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
