package io.hpo.aggregator.cli;

import io.hpo.aggregator.config.AggregatorConfig;
import io.hpo.aggregator.importance.PedAnova;
import io.hpo.aggregator.results.BestTrial;
import io.hpo.aggregator.results.Importance;
import io.hpo.aggregator.results.NotReadyException;
import io.hpo.aggregator.results.ParetoTrials;
import io.hpo.aggregator.results.Results;
import io.hpo.aggregator.results.SearchFinishedException;
import io.hpo.aggregator.results.SearchFront;
import io.hpo.aggregator.results.UnknownIdException;
import io.hpo.aggregator.scaling.ComputeBudget;
import io.hpo.aggregator.scaling.ScaledRun;
import io.hpo.aggregator.scaling.ScalingLaw;
import io.hpo.aggregator.scaling.ScalingReport;
import io.hpo.aggregator.store.Curve;
import io.hpo.aggregator.store.Database;
import io.hpo.aggregator.store.JdbcUrls;
import io.hpo.aggregator.store.LineageLink;
import io.hpo.aggregator.store.Migrations;
import io.hpo.aggregator.store.ResultsStore;
import io.hpo.aggregator.store.SearchSummary;
import io.hpo.aggregator.store.StoredTrial;
import io.hpo.events.ControlEvent;
import io.hpo.events.EventPublisher;
import io.hpo.space.cost.SpendMeasure;
import io.hpo.space.spec.SpecException;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Commands that read the results database directly (same configuration keys as the service):
 * {@code searches}, {@code leaderboard <search-id> [--wait SECONDS]}, {@code best <search-id> [--trial ID]},
 * {@code curve <search-id> <trial-id>}, {@code watch <search-id> [--every SECONDS]},
 * {@code pareto <search-id> [--cost MEASURE]}, {@code importance <search-id>}, {@code lineage <search-id>},
 * {@code scaling <search-id> [--budget BUDGET [--unit UNIT]]}, and {@code enqueue <search-id> <config.yaml>}, which asks a running
 * search's driver to run a configuration next (checked against the search's recorded spec as the API checks it, and
 * put on the control topic with this configuration's broker settings, as a resumed driver reads and writes it: no API
 * token is involved). Exit codes: {@value #OK} done, {@value #FAILED} database or broker error, a stored spec this
 * build cannot read, or a finished search to enqueue to, {@value #UNKNOWN_ID} unknown search or trial, or a
 * configuration the search refuses (at {@code file:line:column}, as a spec mistake exits), {@value #NOT_READY} no
 * result yet (no evaluated trial, the search did not finish within --wait, too few trials for importance or the
 * scaling fit), {@value #USAGE} bad arguments.
 */
public final class ResultsCli {
    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int UNKNOWN_ID = 2;
    public static final int NOT_READY = 3;
    public static final int USAGE = 64;
    private static final String BUDGET_UNITS = "energy_kwh, cost, co2_kg or executor_hours";
    public static final String USAGE_TEXT = String.join("\n",
            "commands:",
            "  serve                                   run the aggregator (default)",
            "  searches                                list searches",
            "  leaderboard <search-id> [--wait SECS]   ranked trials; --wait: until the search has finished",
            "  best <search-id>                        the winner's fixed-value spec YAML, alone on stdout",
            "  best <search-id> --scale-to BUDGET [--unit UNIT]  the spec of the run the scaling fit recommends for that"
                    + " budget: FLOPs, or UNIT " + BUDGET_UNITS + " bought at the rate of the largest trials",
            "  best <search-id> --trial TRIAL-ID       that trial's fixed-value spec YAML (a multi-objective search's"
                    + " best lists its Pareto front)",
            "  curve <search-id> <trial-id>            a trial's step losses and evaluations",
            "  watch <search-id> [--every SECS]        a live table of the trials until the search finishes",
            "  pareto <search-id> [--cost MEASURE]     trials no other beats on both loss and cost; MEASURE: "
                    + String.join(", ", SpendMeasure.keys()) + " (default: the search's first spend objective, else "
                    + Results.DEFAULT_PARETO_COST.key() + ")",
            "  importance <search-id>                  how much each searched hyperparameter explains the loss",
            "  lineage <search-id>                     pbt: which trial took over which donor's state at which step",
            "  scaling <search-id> [--budget BUDGET [--unit UNIT]]  the law L(N, D) = E + A/N^alpha + B/D^beta fitted"
                    + " to the completed trials; --budget: the best N and D for that compute (FLOPs ~ 6 N D, or UNIT)",
            "  enqueue <search-id> <config.yaml>       run a configuration (a mapping of some or all hyperparameters",
            "                                          to values) as the running search's next trial",
            "options: --config FILE (properties with hpo.* keys)");
    private static final Duration WAIT_POLL = Duration.ofSeconds(1);
    /** Characters of the importance bar of a hyperparameter that explains everything. */
    private static final int IMPORTANCE_BAR = 40;
    /** ANSI: cursor home, then erase the screen, so each frame of watch replaces the previous one. */
    private static final String CLEAR_SCREEN = "\033[H\033[2J";

    private final AggregatorConfig config;
    private final PrintStream out;
    private final PrintStream err;

    public ResultsCli(AggregatorConfig config, PrintStream out, PrintStream err) {
        this.config = config;
        this.out = out;
        this.err = err;
    }

    /** Runs one command; returns the exit code. */
    public int run(String command, List<String> args) {
        try (Database db = new Database(config.jdbcUrl(), config.user(), config.password())) {
            // a store written by an older aggregator gets this build's schema before it is read
            Migrations.migrate(db);
            Results results = new Results(new ResultsStore(db));
            return switch (command) {
                case "searches" -> args.isEmpty() ? searches(results) : usage("searches takes no arguments");
                case "leaderboard" -> leaderboard(results, args);
                case "best" -> args.size() == 1 ? best(results, args.get(0))
                        : (args.size() == 3 || args.size() == 5) && args.get(1).equals("--scale-to")
                        ? scaledBest(results, args)
                        : args.size() == 3 && args.get(1).equals("--trial")
                        ? rerun(results.rerun(args.get(0), args.get(2)), "trial")
                        : usage("best <search-id> [--scale-to BUDGET [--unit UNIT] | --trial TRIAL-ID]");
                case "curve" -> args.size() == 2 ? curve(results, args.get(0), args.get(1))
                        : usage("curve <search-id> <trial-id>");
                case "watch" -> watch(results, args);
                case "pareto" -> pareto(results, args);
                case "importance" -> args.size() == 1 ? importance(results, args.get(0))
                        : usage("importance <search-id>");
                case "lineage" -> args.size() == 1 ? lineage(results, args.get(0)) : usage("lineage <search-id>");
                case "scaling" -> scaling(results, args);
                case "enqueue" -> args.size() == 2 ? enqueue(results, args.get(0), Path.of(args.get(1)))
                        : usage("enqueue <search-id> <config.yaml>");
                default -> usage("unknown command '" + command + "'");
            };
        } catch (UnknownIdException e) {
            err.println(e.getMessage());
            return UNKNOWN_ID;
        } catch (NotReadyException e) {
            err.println(e.getMessage());
            return NOT_READY;
        } catch (SpecException e) {
            err.println("error: " + e.getMessage());
            return UNKNOWN_ID;
        } catch (SearchFinishedException e) {
            err.println(e.getMessage() + ": nothing runs an enqueued configuration");
            return FAILED;
        } catch (SQLException e) {
            err.println("cannot read the results database at " + JdbcUrls.redacted(config.jdbcUrl()) + ": "
                    + JdbcUrls.redactedIn(e.getMessage(), config.jdbcUrl()));
            return FAILED;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return FAILED;
        } catch (RuntimeException e) {
            err.println(e.getMessage());
            return FAILED;
        }
    }

    private int usage(String problem) {
        err.println(problem);
        err.println(USAGE_TEXT);
        return USAGE;
    }

    private int searches(Results results) throws SQLException {
        TextTable t = new TextTable(List.of("SEARCH", "NAME", "STATUS", "OUTCOME", "STARTED", "TRIALS", "RUNNING",
                "COMPLETED", "DIVERGED", "FAILED", "BEST VAL LOSS", "BEST TRIAL"));
        for (SearchSummary s : results.searches()) {
            Map<String, Integer> c = s.trialCounts();
            t.add(List.of(s.searchId(), Format.text(s.name()), s.status(), Format.text(s.outcome()),
                    Format.time(s.startedAt()), String.valueOf(s.trials()), String.valueOf(c.get("RUNNING")),
                    String.valueOf(c.get("COMPLETED")), String.valueOf(c.get("DIVERGED")),
                    String.valueOf(c.get("FAILED")), Format.loss(s.bestValLoss()), Format.text(s.bestTrialId())));
        }
        out.print(t.render());
        return OK;
    }

    private int leaderboard(Results results, List<String> args)
            throws SQLException, UnknownIdException, InterruptedException {
        Duration wait = Duration.ZERO;
        List<String> positional = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            if (args.get(i).equals("--wait") && i + 1 < args.size()) {
                try {
                    wait = Duration.ofSeconds(Long.parseLong(args.get(++i)));
                } catch (NumberFormatException e) {
                    return usage("--wait takes a number of seconds, got '" + args.get(i) + "'");
                }
            } else {
                positional.add(args.get(i));
            }
        }
        if (positional.size() != 1) {
            return usage("leaderboard <search-id> [--wait SECONDS]");
        }
        String searchId = positional.get(0);
        boolean finished = awaitFinished(results, searchId, wait);
        List<StoredTrial> trials = results.leaderboard(searchId);
        out.print(leaderboardTable(trials).render());
        if (!wait.isZero() && !finished) {
            err.println("search '" + searchId + "' has not finished after " + wait.toSeconds() + " s");
            return NOT_READY;
        }
        return OK;
    }

    /**
     * Redraws the search's status line and leaderboard every interval (clearing the screen between frames) until
     * the search has finished, then leaves the final table on screen.
     */
    private int watch(Results results, List<String> args)
            throws SQLException, UnknownIdException, InterruptedException {
        Duration every = WAIT_POLL;
        if (args.size() == 3 && args.get(1).equals("--every")) {
            try {
                every = Duration.ofMillis((long) (Double.parseDouble(args.get(2)) * 1000));
            } catch (NumberFormatException e) {
                return usage("--every takes a number of seconds, got '" + args.get(2) + "'");
            }
        } else if (args.size() != 1) {
            return usage("watch <search-id> [--every SECONDS]");
        }
        String searchId = args.get(0);
        while (true) {
            SearchSummary s = results.search(searchId);
            out.print(CLEAR_SCREEN);
            out.println(watchHeader(s));
            out.print(leaderboardTable(results.leaderboard(searchId)).render());
            out.flush();
            if (s.finished()) {
                return OK;
            }
            Thread.sleep(Math.max(100, every.toMillis()));
        }
    }

    static String watchHeader(SearchSummary s) {
        Map<String, Integer> c = s.trialCounts();
        return s.searchId() + " " + Format.text(s.name()) + " | " + s.status()
                + (s.outcome() == null ? "" : " (" + s.outcome() + ")") + " | " + s.trials() + " trials: "
                + c.get("RUNNING") + " running, " + c.get("COMPLETED") + " completed, " + c.get("DIVERGED")
                + " diverged, " + c.get("FAILED") + " failed | best val loss " + Format.loss(s.bestValLoss())
                + (s.bestTrialId() == null ? "" : " (" + s.bestTrialId() + ")") + " | "
                + LocalTime.now().withNano(0);
    }

    /** Polls until the search is FINISHED or the wait is over; an unknown id is only an error once it is over. */
    private static boolean awaitFinished(Results results, String searchId, Duration wait)
            throws SQLException, UnknownIdException, InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            try {
                if (results.search(searchId).finished()) {
                    return true;
                }
            } catch (UnknownIdException e) {
                if (System.nanoTime() >= deadline) {
                    throw e;
                }
            }
            if (System.nanoTime() >= deadline) {
                return false;
            }
            Thread.sleep(WAIT_POLL.toMillis());
        }
    }

    /**
     * Rank, outcome and the hyperparameters that differ between the trials (the ones the search explored); the
     * attempt when any trial ran more than once; parameters, executor-seconds and energy when any trial recorded
     * them; OVERFITTING when any trial is flagged (the reason is in the API and dashboard).
     */
    static TextTable leaderboardTable(List<StoredTrial> trials) {
        List<String> varying = varyingKeys(trials);
        boolean retried = trials.stream().anyMatch(r -> r.attempt() > 1);
        boolean accounted = trials.stream().anyMatch(r -> r.spend() != null);
        boolean flagged = trials.stream().anyMatch(r -> r.overfitting() != null);
        List<String> headers = new ArrayList<>(List.of("RANK", "TRIAL", "STATUS", "BEST VAL LOSS", "STEP", "TOKENS"));
        if (retried) {
            headers.add("ATTEMPT");
        }
        if (accounted) {
            headers.addAll(List.of("PARAMS", "EXEC S", "kWh"));
        }
        if (flagged) {
            headers.add("FLAG");
        }
        headers.addAll(varying);
        TextTable t = new TextTable(headers);
        for (StoredTrial r : trials) {
            List<String> row = new ArrayList<>(List.of(String.valueOf(r.rank()), r.trialId(), r.status(),
                    Format.loss(r.bestValLoss()), Format.number(r.bestStep()), Format.number(r.tokensAtBest())));
            if (retried) {
                row.add(String.valueOf(r.attempt()));
            }
            if (accounted) {
                row.add(Format.number(r.parameters()));
                row.add(r.spend() == null ? "-" : Format.number(r.spend().executorSeconds()));
                row.add(r.spend() == null ? "-" : Format.number(r.spend().energyKwh()));
            }
            if (flagged) {
                row.add(r.overfitting() == null ? "" : "OVERFITTING");
            }
            varying.forEach(k -> row.add(Format.number(r.config().get(k))));
            t.add(row);
        }
        return t;
    }

    private int pareto(Results results, List<String> args)
            throws SQLException, UnknownIdException, NotReadyException {
        String cost = null;
        if (args.size() == 3 && args.get(1).equals("--cost")) {
            cost = args.get(2);
        } else if (args.size() != 1) {
            return usage("pareto <search-id> [--cost MEASURE]");
        }
        SpendMeasure measure;
        try {
            measure = cost == null ? results.defaultCost(args.get(0)) : Results.costMeasure(cost);
        } catch (IllegalArgumentException e) {
            return usage(e.getMessage());
        }
        ParetoTrials p = results.pareto(args.get(0), measure);
        out.println("Pareto front of " + p.searchId() + ": best validation loss against " + p.cost() + " ("
                + p.unit() + "), " + p.front().size() + " of " + p.trials().size() + " trials with both");
        TextTable t = new TextTable(List.of("TRIAL", "STATUS", "BEST VAL LOSS", p.cost().toUpperCase(Locale.ROOT),
                "FLAG"));
        for (ParetoTrials.Trial trial : p.front()) {
            t.add(List.of(trial.trialId(), trial.status(), Format.loss(trial.bestValLoss()),
                    Format.number(trial.cost()), trial.overfitting() == null ? "" : "OVERFITTING"));
        }
        out.print(t.render());
        return OK;
    }

    /** One row per hyperparameter, most important first, with a bar of its share. */
    private int importance(Results results, String searchId)
            throws SQLException, UnknownIdException, NotReadyException {
        Importance importance = results.importance(searchId);
        out.println("Hyperparameter importance of " + searchId + " (" + importance.method() + "): the best "
                + importance.topTrials() + " completed of " + importance.trials() + " ended trials against all");
        TextTable t = new TextTable(List.of("HYPERPARAMETER", "SCALE", "IMPORTANCE", "RAW", ""));
        for (PedAnova.Score s : importance.hyperparameters()) {
            t.add(List.of(s.name(), s.scale().name().toLowerCase(Locale.ROOT),
                    String.format(Locale.ROOT, "%.3f", s.importance()), Format.number(s.raw()),
                    "#".repeat((int) Math.round(s.importance() * IMPORTANCE_BAR))));
        }
        out.print(t.render());
        return OK;
    }

    /** One row per exploit of population-based training, by step: member, donor, how the explored values changed. */
    private int lineage(Results results, String searchId) throws SQLException, UnknownIdException {
        List<LineageLink> links = results.lineage(searchId);
        if (links.isEmpty()) {
            out.println("no exploits recorded for " + searchId + " (only strategy pbt records them)");
            return OK;
        }
        TextTable t = new TextTable(List.of("STEP", "TRIAL", "DONOR", "CHANGES"));
        for (LineageLink l : links) {
            t.add(List.of(Long.toString(l.step()), l.trialId(), l.donor(), l.changes().isEmpty() ? "donor's as is"
                    : l.changes().entrySet().stream().map(e -> e.getKey() + " " + e.getValue() + " = "
                            + l.config().get(e.getKey())).collect(Collectors.joining(", "))));
        }
        out.print(t.render());
        return OK;
    }

    private int scaling(Results results, List<String> args)
            throws SQLException, UnknownIdException, NotReadyException {
        ComputeBudget.Asked budget = null;
        if ((args.size() == 3 || args.size() == 5) && args.get(1).equals("--budget")) {
            try {
                budget = budget(args);
            } catch (IllegalArgumentException e) {
                return usage(e.getMessage());
            }
        } else if (args.size() != 1) {
            return usage("scaling <search-id> [--budget BUDGET [--unit UNIT]]");
        }
        ScalingReport r = results.scaling(args.get(0), budget);
        ScalingLaw law = r.law();
        ScalingReport.Intervals ci = r.intervals();
        out.println("Scaling fit of " + r.searchId() + " to " + r.used() + " completed trials (Huber loss on log-loss;"
                + " 95% intervals from " + r.resamples() + " bootstrap resamples):");
        out.println("  L(N, D) = E" + (law.hasModelTerm() ? " + A / N^alpha" : "")
                + (law.hasDataTerm() ? " + B / D^beta" : ""));
        TextTable t = new TextTable(List.of("", "FIT", "95% INTERVAL"));
        t.add(List.of("E (nats)", Format.number(law.e()), interval(ci.e())));
        if (law.hasModelTerm()) {
            t.add(List.of("A", Format.number(law.a()), interval(ci.a())));
            t.add(List.of("alpha", Format.number(law.alpha()), interval(ci.alpha())));
        }
        if (law.hasDataTerm()) {
            t.add(List.of("B", Format.number(law.b()), interval(ci.b())));
            t.add(List.of("beta", Format.number(law.beta()), interval(ci.beta())));
        }
        out.print(t.render());
        // a term the trials had sizes for but the fit set to 0 is a warning below, not a size missing
        if (!r.modelTerm() || !r.dataTerm()) {
            out.println("  only one " + (r.modelTerm() ? "data size" : "model size") + " was tried: its term"
                    + " is not fitted (search data.fraction, or width and layers, to fit it)");
        }
        r.warnings().forEach(w -> out.println("  warning: " + w));
        ScalingReport.HeldOut h = r.heldOut();
        out.println(String.format(Locale.ROOT, "Held-out error: %.1f%% mean, %.1f%% worst (%d-fold cross-validation)",
                100 * h.crossValidated(), 100 * h.crossValidatedMax(), Math.min(5, r.used()))
                + (h.extrapolated() == null ? "; too few model sizes to test extrapolation"
                : String.format(Locale.ROOT, "; %.1f%% predicting the largest model (N = %s) from the smaller ones",
                100 * h.extrapolated(), Format.number(h.extrapolatedSize()))));
        ScalingReport.Regime regime = r.regime();
        out.println(String.format(Locale.ROOT, "Memorisation regime (arXiv 2405.08707, N ~ D²): %d of %d trials reach"
                + " N >= D² (largest N / D² %.3g); %d flagged overfitting, %d of them memorising", regime.atLeastDSquared(),
                r.used(), regime.largestRatio(), regime.overfitting(), regime.memorising()));
        out.println("Trials by size (TRAIN: mean loss of the last " + Results.FINAL_TRAIN_STEPS + " steps; VAL: best"
                + " validation loss, what the law is fitted to):");
        TextTable trials = new TextTable(List.of("TRIAL", "N", "D", "N/D²", "TRAIN", "VAL", "FIT", "FLAG"));
        r.points().stream().sorted(Comparator.comparingDouble(ScalingReport.Point::parameters)
                        .thenComparingDouble(ScalingReport.Point::tokens))
                .forEach(p -> trials.add(List.of(p.trialId(), Format.number(p.parameters()), Format.number(p.tokens()),
                        String.format(Locale.ROOT, "%.3g", p.parametersPerTokenSquared()),
                        Format.loss(p.trainLoss()), Format.loss(p.loss()),
                        Format.loss(p.predicted()), p.overfitting() == null ? "" : "OVERFITTING")));
        out.print(trials.render());
        ScalingReport.Recommendation rec = r.allocation();
        if (rec != null) {
            if (rec.budget().measure() != SpendMeasure.FLOPS) {
                out.println(rec.budget().describe());
            }
            out.println("For " + Format.number(rec.flops()) + " FLOPs: N = " + Format.number(rec.parameters()) + " "
                    + interval(rec.parametersInterval()) + " parameters, D = " + Format.number(rec.tokens()) + " "
                    + interval(rec.tokensInterval()) + " tokens, predicted loss " + Format.loss(rec.loss()) + " "
                    + interval(rec.lossInterval()));
            out.println("Its spec (`best " + r.searchId() + " --scale-to " + String.join(" ", args.subList(2, args.size()))
                    + "` writes it alone):");
            out.print(results.scaledRun(r).specYaml());
        } else if (budget != null) {
            out.println("No recommendation for a budget: the fit needs both a model and a data term");
        }
        return OK;
    }

    /** The budget of {@code <search-id> --budget|--scale-to AMOUNT [--unit UNIT]}. */
    private static ComputeBudget.Asked budget(List<String> args) {
        if (args.size() == 5 && !args.get(3).equals("--unit")) {
            throw new IllegalArgumentException("after the budget, only --unit UNIT (" + BUDGET_UNITS + "), not "
                    + args.get(3));
        }
        return ComputeBudget.Asked.parse(args.get(2), args.size() == 5 ? args.get(4) : null);
    }

    private int scaledBest(Results results, List<String> args)
            throws SQLException, UnknownIdException, NotReadyException {
        ComputeBudget.Asked budget;
        try {
            budget = budget(args);
        } catch (IllegalArgumentException e) {
            return usage(e.getMessage());
        }
        ScaledRun.Plan plan = results.scaledRun(args.get(0), budget);
        err.println("from trial " + plan.baseTrialId() + ": width " + plan.width() + ", " + plan.layers() + " layers, "
                + plan.parameters() + " parameters; data_fraction " + plan.dataFraction() + ", " + plan.steps()
                + " steps");
        plan.notes().forEach(n -> err.println("note: " + n));
        out.print(plan.specYaml());
        return OK;
    }

    private static String interval(ScalingReport.Interval i) {
        return i == null ? "" : "[" + Format.number(i.low()) + ", " + Format.number(i.high()) + "]";
    }

    private static List<String> varyingKeys(List<StoredTrial> trials) {
        Set<String> keys = new LinkedHashSet<>();
        trials.forEach(t -> keys.addAll(t.config().keySet()));
        List<String> varying = new ArrayList<>();
        for (String k : keys) {
            Set<Object> values = new HashSet<>();
            trials.forEach(t -> values.add(Objects.toString(t.config().get(k))));
            if (values.size() > 1) {
                varying.add(k);
            }
        }
        return varying;
    }

    /** Checks the configuration in {@code file} against the search's spec and puts the request on the control topic. */
    private int enqueue(Results results, String searchId, Path file)
            throws SQLException, UnknownIdException, SearchFinishedException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new SpecException(file.toString(), 1, 1, "cannot read the configuration: "
                    + (e instanceof NoSuchFileException ? "no such file" : e.toString()));
        }
        ControlEvent event = results.enqueueRequest(searchId, text, file.toString(),
                "cli " + System.getProperty("user.name"));
        try (EventPublisher publisher = new EventPublisher(config.bus())) {
            publisher.publish(event);
            publisher.flush();
        }
        out.println("enqueued " + event.config() + " for search " + searchId + " (request " + event.eventId()
                + "): its driver runs it as the next trial, if the budget allows one more");
        return OK;
    }

    /**
     * The winner's spec; for a multi-objective search, whose trials no single winner ranks, its front instead, each
     * trial's spec one {@code --trial} away.
     */
    private int best(Results results, String searchId) throws SQLException, UnknownIdException, NotReadyException {
        if (results.isMultiObjective(searchId)) {
            return front(results.front(searchId));
        }
        return rerun(results.best(searchId), "best trial");
    }

    private int front(SearchFront f) {
        out.println("Pareto front of " + f.searchId() + " over " + String.join(", ", f.objectives()) + ": "
                + f.front().size() + " of " + f.total() + " trials with a loss and a spend"
                + (f.hypervolume() == null ? "" : "; hypervolume " + Format.number(f.hypervolume())
                + " up to (" + Format.number(f.reference().get(0)) + ", " + Format.number(f.reference().get(1))
                + ")"));
        List<String> header = new ArrayList<>(List.of("TRIAL", "STATUS"));
        for (int i = 0; i < f.objectives().size(); i++) {
            String unit = f.units().get(i);
            header.add(f.objectives().get(i).toUpperCase(Locale.ROOT) + (unit.isEmpty() ? "" : " (" + unit + ")"));
        }
        header.add("FLAG");
        TextTable t = new TextTable(header);
        for (SearchFront.Trial trial : f.front()) {
            List<String> row = new ArrayList<>(List.of(trial.trialId(), trial.status(),
                    Format.loss(trial.values().get(0))));
            trial.values().subList(1, trial.values().size()).forEach(v -> row.add(Format.number(v)));
            row.add(trial.overfitting() == null ? "" : "OVERFITTING");
            t.add(row);
        }
        out.print(t.render());
        out.println("the spec of one: best " + f.searchId() + " --trial TRIAL-ID");
        return OK;
    }

    /** The trial's line on stderr, its spec alone on stdout. */
    private int rerun(BestTrial best, String what) {
        err.println(what + " " + best.trialId() + " (" + best.status() + "): validation loss "
                + Format.loss(best.bestValLoss()) + " at step " + best.bestStep() + "; "
                + (best.checkpoint() == null ? "no saved model" : "model saved at " + best.checkpoint()));
        if (best.checkpoint() != null) {
            // in the YAML too, so that it survives a redirect to a file
            out.println("# trained model, for init: {checkpoint: ...}: " + best.checkpoint());
        }
        out.print(best.spec().endsWith("\n") ? best.spec() : best.spec() + "\n");
        return OK;
    }

    private int curve(Results results, String searchId, String trialId) throws SQLException, UnknownIdException {
        Curve curve = results.curve(searchId, trialId);
        TextTable steps = new TextTable(List.of("STEP", "WORKER", "LOSS", "LEARNING RATE", "TOKENS"));
        for (Curve.Step s : curve.steps()) {
            steps.add(List.of(String.valueOf(s.step()), String.valueOf(s.worker()), Format.loss(s.loss()),
                    Format.number(s.learningRate()), String.valueOf(s.tokensSeen())));
        }
        TextTable evals = new TextTable(List.of("STEP", "VAL LOSS", "TOKENS"));
        for (Curve.Evaluation e : curve.evaluations()) {
            evals.add(List.of(String.valueOf(e.step()), Format.loss(e.valLoss()), String.valueOf(e.tokensSeen())));
        }
        out.print(steps.render());
        out.println();
        out.print(evals.render());
        return OK;
    }
}
