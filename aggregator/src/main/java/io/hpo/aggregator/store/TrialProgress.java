package io.hpo.aggregator.store;

import io.hpo.events.TrialStatus;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
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
        List<Report> values = List.copyOf(reports.values());
        Integer[] attempts = values.stream().map(Report::attempt).toArray(Integer[]::new);
        Long[] steps = values.stream().map(Report::step).toArray(Long[]::new);
        Long[] tokens = values.stream().map(Report::tokens).toArray(Long[]::new);
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
            Sql.bindArrays(c, ps, 3, "text", TrialKey.searchIds(reports.keySet()), "text",
                    TrialKey.trialIds(reports.keySet()), "int4", attempts, "int8", steps, "int8", tokens);
            ps.executeUpdate();
        }
        reports.clear();
    }
}
