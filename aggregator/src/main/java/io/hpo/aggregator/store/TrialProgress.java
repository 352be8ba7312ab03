package io.hpo.aggregator.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Map;
import java.util.TreeMap;

/**
 * A batch's progress reports, coalesced per trial and written in one statement. A report marks a CREATED trial
 * RUNNING and raises its furthest step and tokens (null leaves them); a later attempt starts progress afresh and
 * reports of an earlier attempt than the stored one leave the trial as it is. Applied one by one in any order,
 * the reports of a batch end where the single report of its highest attempt, with that attempt's highest step and
 * tokens, ends: so one row per trial replaces one statement per event.
 */
final class TrialProgress {
    private final Map<TrialKey, Report> reports = new TreeMap<>();

    private record Report(int attempt, Long step, Long tokens) {
        Report merge(Report o) {
            if (o.attempt != attempt) {
                return o.attempt > attempt ? o : this;
            }
            return new Report(attempt, max(step, o.step), max(tokens, o.tokens));
        }

        private static Long max(Long a, Long b) {
            return a == null ? b : b == null ? a : Long.valueOf(Math.max(a, b));
        }
    }

    void report(TrialKey trial, int attempt, Long step, Long tokens) {
        reports.merge(trial, new Report(attempt, step, tokens), Report::merge);
    }

    void write(Connection c) throws SQLException {
        if (reports.isEmpty()) {
            return;
        }
        int n = reports.size();
        String[] searches = new String[n];
        String[] trials = new String[n];
        Integer[] attempts = new Integer[n];
        Long[] steps = new Long[n];
        Long[] tokens = new Long[n];
        int i = 0;
        for (Map.Entry<TrialKey, Report> e : reports.entrySet()) {
            searches[i] = e.getKey().searchId();
            trials[i] = e.getKey().trialId();
            attempts[i] = e.getValue().attempt();
            steps[i] = e.getValue().step();
            tokens[i] = e.getValue().tokens();
            i++;
        }
        // every right-hand side sees the row as it was, so t.attempt in the CASEs is the stored one
        try (PreparedStatement ps = c.prepareStatement("UPDATE trials t SET"
                + " status = CASE WHEN t.status = ? THEN ? ELSE t.status END,"
                + " final_step = CASE WHEN v.attempt > t.attempt THEN v.step"
                + " WHEN v.attempt = t.attempt THEN GREATEST(t.final_step, v.step) ELSE t.final_step END,"
                + " tokens_seen = CASE WHEN v.attempt > t.attempt THEN v.tokens"
                + " WHEN v.attempt = t.attempt THEN GREATEST(t.tokens_seen, v.tokens) ELSE t.tokens_seen END,"
                + " attempt = GREATEST(t.attempt, v.attempt)"
                + " FROM unnest(?::text[], ?::text[], ?::int[], ?::bigint[], ?::bigint[])"
                + " AS v(search_id, trial_id, attempt, step, tokens)"
                + " WHERE t.search_id = v.search_id AND t.trial_id = v.trial_id")) {
            ps.setString(1, TrialStatus.CREATED.name());
            ps.setString(2, TrialStatus.RUNNING.name());
            ps.setArray(3, Sql.array(c, "text", searches));
            ps.setArray(4, Sql.array(c, "text", trials));
            ps.setArray(5, Sql.array(c, "int4", attempts));
            ps.setArray(6, Sql.array(c, "int8", steps));
            ps.setArray(7, Sql.array(c, "int8", tokens));
            ps.executeUpdate();
        }
        reports.clear();
    }
}
