package io.hpo.aggregator.results;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.hpo.aggregator.store.TrialPoint;
import io.hpo.space.spec.ParamSpec;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Every trial of a search as columns, all in ranking order, compact enough for 10,000 trials in one response (the
 * dashboard's parallel coordinates and contour draw them all). A column of few distinct values (statuses, choices,
 * integers) is sent as its {@code levels} and one code per trial; any other as its {@code values}, rounded to
 * {@value #DIGITS} significant digits, finer than a pixel of an axis: the leaderboard's filters compare the exact
 * stored values in the database.
 *
 * @param trialIds        ranking order; the i-th entry of every column is this trial's
 * @param bestValLoss     rounded likewise; null for a trial without a finite evaluation
 * @param hyperparameters one column per hyperparameter whose value differs between trials, in spec order
 */
public record SearchPoints(String searchId, List<String> trialIds, Column status, List<Double> bestValLoss,
                           List<Column> hyperparameters) {
    static final int DIGITS = 6;
    /** Up to this many distinct values a column is sent as levels and codes. */
    static final int MAX_LEVELS = 256;
    private static final MathContext ROUNDING = new MathContext(DIGITS);

    /**
     * One column. {@code scale} is how an axis shows it: {@code log} for a log-uniform range of the spec,
     * {@code categorical} for names, {@code linear} for other numbers, null when the search's spec is unknown.
     * Either {@code values} (null where a trial lacks the value) or {@code levels} and {@code codes} (-1 where it
     * lacks it) is present.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Column(String name, String scale, List<Object> values, List<Object> levels, List<Integer> codes) {

        static Column of(String name, String scale, List<Object> raw) {
            LinkedHashSet<Object> distinct = new LinkedHashSet<>(raw);
            distinct.remove(null);
            if (distinct.size() > MAX_LEVELS) {
                return new Column(name, scale, raw.stream().map(SearchPoints::rounded).toList(), null, null);
            }
            Map<Object, Integer> codeOf = new LinkedHashMap<>();
            distinct.forEach(v -> codeOf.put(v, codeOf.size()));
            List<Integer> codes = new ArrayList<>(raw.size());
            raw.forEach(v -> codes.add(v == null ? -1 : codeOf.get(v)));
            return new Column(name, scale, null, List.copyOf(distinct), codes);
        }
    }

    /** The columns of {@code points} (in ranking order); {@code space} is the search's spec's, null if unknown. */
    static SearchPoints of(String searchId, List<TrialPoint> points, Map<String, ParamSpec> space) {
        LinkedHashSet<String> names = new LinkedHashSet<>();
        points.forEach(p -> names.addAll(p.config().keySet()));
        List<Column> columns = new ArrayList<>();
        for (String name : names) {
            List<Object> raw = new ArrayList<>(points.size());
            points.forEach(p -> raw.add(p.config().get(name)));
            if (new LinkedHashSet<>(raw).size() > 1) {
                columns.add(Column.of(name, scale(raw, space == null ? null : space.get(name)), raw));
            }
        }
        List<Double> losses = new ArrayList<>(points.size());
        points.forEach(p -> losses.add((Double) rounded(p.bestValLoss())));
        return new SearchPoints(searchId, points.stream().map(TrialPoint::trialId).toList(),
                Column.of("status", null, points.stream().map(p -> (Object) p.status()).toList()), losses, columns);
    }

    private static String scale(List<Object> values, ParamSpec spec) {
        if (values.stream().anyMatch(v -> v != null && !(v instanceof Number))) {
            return "categorical";
        }
        if (spec == null) {
            return null;
        }
        return spec.sampled() instanceof ParamSpec.LogUniform ? "log" : "linear";
    }

    private static Object rounded(Object v) {
        return v instanceof Double d && Double.isFinite(d) ? new BigDecimal(d).round(ROUNDING).doubleValue() : v;
    }
}
