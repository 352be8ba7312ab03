package io.hpo.aggregator.cli;

import io.hpo.aggregator.config.AggregatorConfig;
import io.hpo.aggregator.store.Database;
import io.hpo.aggregator.store.Migrations;
import io.hpo.aggregator.store.ResultsStore;
import io.hpo.aggregator.store.StoredTrial;
import io.hpo.aggregator.support.AccountedSearch;
import io.hpo.aggregator.support.ScalingSearch;
import io.hpo.aggregator.support.Events;
import io.hpo.aggregator.support.SampleSearch;
import io.hpo.aggregator.support.TestServices;
import io.hpo.events.LifecycleEvent;
import io.hpo.space.spec.SearchSpec;
import io.hpo.space.spec.SpecLoader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ResultsCliTest {
    private static Database db;
    private static ResultsStore store;
    private static AggregatorConfig config;

    @BeforeAll
    static void fill() throws Exception {
        String url = TestServices.freshSchemaUrl();
        config = AggregatorConfig.of(Map.of(AggregatorConfig.JDBC_URL, url,
                AggregatorConfig.USER, TestServices.postgres().user(),
                AggregatorConfig.PASSWORD, TestServices.postgres().password()));
        db = new Database(url, config.user(), config.password());
        Migrations.migrate(db);
        store = new ResultsStore(db);
        SampleSearch.store(store, "s1");
        AccountedSearch.store(store, "acct");
        AccountedSearch.storeMultiObjective(store, "moo");
        ScalingSearch.store(store, "sizes");
        storeVimScaling("vim");
    }

    /**
     * The README's Vim-documentation experiment as measured: N, D and best validation loss of its 12 trials (widths
     * 16, 32, 64 × shares 0.1%, 1%, 10%, 100%), on which the fit sets A to 0.
     */
    private static void storeVimScaling(String s) throws Exception {
        long[] n = {55_598, 122_030, 291_758};
        long[] d = {8_910, 89_095, 890_945, 8_909_441};
        double[][] loss = {{3.4625, 3.2892, 3.2168, 2.3836}, {3.4618, 3.1507, 3.1586, 1.9680},
                {3.4938, 3.1370, 3.0298, 1.6743}};
        List<LifecycleEvent> events = new ArrayList<>(List.of(Events.started(s)));
        for (int i = 0; i < n.length; i++) {
            for (int j = 0; j < d.length; j++) {
                String id = "w" + i + "d" + j;
                events.add(LifecycleEvent.trialCreated(s, id, Events.config(3e-3, 16)));
                events.add(LifecycleEvent.trialStarted(s, id, 1, null));
                events.add(Events.evaluated(s, id, 100, loss[i][j], 102_400));
                events.add(Events.completedWithAccounting(s, id, 800, n[i], d[j], 200));
            }
        }
        events.add(LifecycleEvent.searchFinished(s, "COMPLETED"));
        store.applyBatch(List.of(), events);
    }

    @AfterAll
    static void close() {
        db.close();
    }

    private record Run(int code, String out, String err) {
    }

    private static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = new ResultsCli(config, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)).run(args[0], List.of(args).subList(1, args.length));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** One URL PgJDBC cannot parse (its error quotes it), one with nothing listening. */
    @Test
    void anUnreachableDatabaseIsNamedWithoutTheCredentialsOfItsUrl() {
        for (String url : List.of("jdbc:postgresql://hpo:s3cret-userinfo@127.0.0.1:1/hpo",
                "jdbc:postgresql://127.0.0.1:1/hpo?user=hpo&password=s3cret-param")) {
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int code = new ResultsCli(AggregatorConfig.of(Map.of(AggregatorConfig.JDBC_URL, url)),
                    new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8)).run("searches", List.of());
            String message = err.toString(StandardCharsets.UTF_8);
            assertEquals(ResultsCli.FAILED, code, message);
            assertTrue(message.startsWith("cannot read the results database at jdbc:postgresql://127.0.0.1:1/hpo"), message);
            assertFalse(message.contains("s3cret"), message);
        }
    }

    @Test
    void leaderboardIsAnAlignedTableWithTheVaryingHyperparameters() {
        Run r = run("leaderboard", "s1", "--wait", "5");
        assertEquals(ResultsCli.OK, r.code(), r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals(4, lines.size(), r.out());
        assertEquals("RANK  TRIAL  STATUS     BEST VAL LOSS  STEP  TOKENS  learning_rate  batch_size", lines.get(0));
        assertEquals("   1  t2     COMPLETED         2.9000    10   10240          0.003          32", lines.get(1));
        assertEquals("   2  t1     COMPLETED         3.1000    10   10240          0.001          16", lines.get(2));
        assertEquals("   3  t3     DIVERGED               -     -       -            0.1          16", lines.get(3));
    }

    @Test
    void theLeaderboardShowsAccountingAndTheOverfittingFlagWhenTrialsHaveThem() {
        Run r = run("leaderboard", "acct");
        assertEquals(ResultsCli.OK, r.code(), r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals(List.of("RANK", "TRIAL", "STATUS", "BEST", "VAL", "LOSS", "STEP", "TOKENS", "PARAMS", "EXEC", "S",
                "kWh", "FLAG"), List.of(lines.get(0).trim().split(" +")));
        assertEquals(List.of("1", "old", "COMPLETED", "1.7000", "10", "10240", "-", "-", "-"),
                List.of(lines.get(1).trim().split(" +")));
        assertEquals(List.of("2", "best", "COMPLETED", "1.8000", "10", "10240", "50000", "360", "0.01", "OVERFITTING"),
                List.of(lines.get(2).trim().split(" +")));
    }

    @Test
    void paretoPrintsTheFrontCheapestFirst() {
        Run r = run("pareto", "acct", "--cost", "executor_hours");
        assertEquals(ResultsCli.OK, r.code(), r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals("Pareto front of acct: best validation loss against executor_hours (executor-h), 4 of 5 trials"
                + " with both", lines.get(0));
        assertEquals(List.of("cheap", "mid", "best", "twin"), lines.subList(2, 6).stream()
                .map(l -> l.split(" +")[0]).toList());
        assertTrue(lines.get(4).endsWith("OVERFITTING"), lines.get(4));
        assertTrue(run("pareto", "acct").out().contains("against energy_kwh (kWh)"));
        Run bad = run("pareto", "acct", "--cost", "watts");
        assertEquals(ResultsCli.USAGE, bad.code());
        assertTrue(bad.err().contains("unknown cost measure 'watts'"), bad.err());
    }

    @Test
    void bestOfAMultiObjectiveSearchListsTheFrontAndWritesAChosenTrialsSpec() {
        Run r = run("best", "moo");
        assertEquals(ResultsCli.OK, r.code(), r.err());
        List<String> lines = r.out().lines().toList();
        assertTrue(lines.get(0).startsWith("Pareto front of moo over val_loss, executor_hours: 4 of 5 trials with a"
                + " loss and a spend; hypervolume "), lines.get(0));
        assertTrue(lines.get(1).contains("VAL_LOSS") && lines.get(1).contains("EXECUTOR_HOURS (executor-h)"),
                lines.get(1));
        assertTrue(run("pareto", "moo").out().contains("against executor_hours (executor-h)"),
                "pareto defaults to the search's first spend objective");
        assertEquals(AccountedSearch.FRONT, lines.subList(2, 6).stream().map(l -> l.split(" +")[0]).toList());
        assertEquals("the spec of one: best moo --trial TRIAL-ID", lines.get(6));

        Run mid = run("best", "moo", "--trial", "mid");
        assertEquals(ResultsCli.OK, mid.code(), mid.err());
        assertTrue(mid.err().startsWith("trial mid (COMPLETED): validation loss 2.0"), mid.err());
        assertTrue(mid.out().startsWith("# tiny: one configuration, every hyperparameter fixed"), mid.out());
        assertTrue(mid.out().contains("\n  learning_rate: 0.001\n"), mid.out());
        assertEquals(ResultsCli.UNKNOWN_ID, run("best", "moo", "--trial", "nope").code());
        assertTrue(run("best", "acct").err().startsWith("best trial "), "a single-objective search has a winner");
    }

    @Test
    void scalingPrintsTheFitItsErrorsAndABudgetsSizes() {
        Run r = run("scaling", "sizes", "--budget", "1e21");
        assertEquals(ResultsCli.OK, r.code(), r.err());
        List<String> lines = r.out().lines().toList();
        assertTrue(lines.get(0).startsWith("Scaling fit of sizes to 30 completed trials"), lines.get(0));
        assertEquals("  L(N, D) = E + A / N^alpha + B / D^beta", lines.get(1));
        assertTrue(r.out().contains("alpha"), r.out());
        assertTrue(r.out().contains("(5-fold cross-validation); "), r.out());
        assertTrue(r.out().contains("predicting the largest model (N = "), r.out());
        assertTrue(r.out().contains("Memorisation regime (arXiv 2405.08707, N ~ D²): 0 of 30 trials reach N >= D²"),
                r.out());
        assertTrue(r.out().contains("FLOPs: N = "), r.out());
        assertTrue(r.out().contains("Trials by size (TRAIN: mean loss of the last 20 steps;"), r.out());
        String t0 = lines.stream().filter(l -> l.startsWith("t0 ")).findFirst().orElseThrow();
        List<String> cells = List.of(t0.trim().split(" +"));
        assertEquals(Double.parseDouble(cells.get(5)) + 0.205, Double.parseDouble(cells.get(4)), 1.5e-4, t0);
        assertEquals("-", lines.stream().filter(l -> l.startsWith("t1 ")).findFirst().orElseThrow()
                .trim().split(" +")[4], "no steps stored");
        assertTrue(r.out().contains("\n# tiny: the run a scaling fit recommends for 1.00e+21 FLOPs"), r.out());

        Run scaled = run("best", "sizes", "--scale-to", "1e15");
        assertEquals(ResultsCli.OK, scaled.code(), scaled.err());
        assertTrue(scaled.out().startsWith("# tiny: the run a scaling fit recommends for 1.00e+15 FLOPs"),
                scaled.out());
        assertTrue(scaled.err().startsWith("from trial t"), scaled.err());
        assertEquals(ResultsCli.USAGE, run("best", "sizes", "--scale-to", "huge").code());

        Run vim = run("scaling", "vim");
        assertEquals(ResultsCli.OK, vim.code(), vim.err());
        assertTrue(vim.out().contains("  L(N, D) = E + B / D^beta\n"), "the fit set A to 0: " + vim.out());
        assertTrue(vim.out().contains("warning: the model size's term is not identified"), vim.out());
        assertFalse(vim.out().contains("was tried"), "three widths and four shares were tried: " + vim.out());

        Run alike = run("scaling", "acct");
        assertEquals(ResultsCli.NOT_READY, alike.code());
        assertTrue(alike.err().contains("all of one model size and one data size"), alike.err());
        assertEquals(ResultsCli.USAGE, run("scaling", "sizes", "--budget", "0").code());
        assertEquals(ResultsCli.UNKNOWN_ID, run("scaling", "nope").code());

        Run energy = run("scaling", "sizes", "--budget", "2", "--unit", "energy_kwh");
        assertEquals(ResultsCli.OK, energy.code(), energy.err());
        assertTrue(energy.out().contains("2.000 kWh buys "), energy.out());
        assertTrue(energy.out().contains(" FLOPs per kWh (the rate of the 5 trials of the largest model, N = "),
                energy.out());
        assertTrue(energy.out().contains("`best sizes --scale-to 2 --unit energy_kwh` writes it alone"), energy.out());
        Run scaledByEnergy = run("best", "sizes", "--scale-to", "2", "--unit", "energy_kwh");
        assertEquals(ResultsCli.OK, scaledByEnergy.code(), scaledByEnergy.err());
        assertTrue(scaledByEnergy.out().startsWith("# tiny: the run a scaling fit recommends for "), scaledByEnergy.out());
        Run tokens = run("scaling", "sizes", "--budget", "2", "--unit", "tokens");
        assertEquals(ResultsCli.USAGE, tokens.code());
        assertTrue(tokens.err().contains("not a budget"), tokens.err());
        assertEquals(ResultsCli.USAGE, run("best", "sizes", "--scale-to", "2", "--per", "energy_kwh").code());
    }

    @Test
    void theLeaderboardShowsAttemptsOnlyWhenATrialRanMoreThanOnce() {
        StoredTrial once = new StoredTrial(1, "t1", "COMPLETED", Map.of(), 2.0, 10L, 100L, 10L, 100L, null, null,
                null, null, null, 1, null, null, null, null);
        StoredTrial twice = new StoredTrial(2, "t2", "COMPLETED", Map.of(), 2.5, 10L, 100L, 10L, 100L, null, null,
                null, null, null, 2, null, null, null, null);
        assertFalse(ResultsCli.leaderboardTable(List.of(once)).render().contains("ATTEMPT"));
        List<String> lines = ResultsCli.leaderboardTable(List.of(once, twice)).render().lines().toList();
        assertEquals("RANK  TRIAL  STATUS     BEST VAL LOSS  STEP  TOKENS  ATTEMPT", lines.get(0));
        assertTrue(lines.get(2).endsWith("  2"), lines.get(2));
    }

    @Test
    void leaderboardWaitsForTheSearchToFinish() throws Exception {
        String s = "late";
        store.applyBatch(List.of(), List.of(Events.started(s), Events.evaluated(s, "t1", 1, 2.0, 10)));
        CompletableFuture<Run> waiting = CompletableFuture.supplyAsync(() -> run("leaderboard", s, "--wait", "30"));
        Thread.sleep(1500);
        assertFalse(waiting.isDone(), "still waiting while the search runs");
        store.applyBatch(List.of(), List.of(LifecycleEvent.searchFinished(s, "COMPLETED")));
        Run r = waiting.get();
        assertEquals(ResultsCli.OK, r.code(), r.err());
        assertTrue(r.out().contains("t1"), r.out());

        Run unknown = run("leaderboard", "never-" + s, "--wait", "1");
        assertEquals(ResultsCli.UNKNOWN_ID, unknown.code(), "an id that never appears is unknown after the wait");
        store.applyBatch(List.of(), List.of(Events.started("open")));
        Run open = run("leaderboard", "open", "--wait", "1");
        assertEquals(ResultsCli.NOT_READY, open.code());
        assertTrue(open.err().contains("has not finished"), open.err());
    }

    @Test
    void watchRedrawsTheTableUntilTheSearchFinishes() throws Exception {
        String s = "watched";
        store.applyBatch(List.of(Events.step(s, "t1", 1, 0, 3.5)), List.of(Events.started(s),
                LifecycleEvent.trialCreated(s, "t1", Events.config(2e-3, 16))));
        CompletableFuture<Run> watching = CompletableFuture.supplyAsync(() -> run("watch", s, "--every", "0.2"));
        Thread.sleep(1000);
        assertFalse(watching.isDone(), "still watching while the search runs");
        store.applyBatch(List.of(), List.of(Events.evaluated(s, "t1", 1, 2.5, 10),
                LifecycleEvent.searchFinished(s, "COMPLETED")));
        Run r = watching.get();
        assertEquals(ResultsCli.OK, r.code(), r.err());
        String[] frames = r.out().split("\033\\[H\033\\[2J");
        assertTrue(frames.length > 3, "one frame per interval: " + frames.length);
        assertTrue(frames[1].contains("RUNNING") && frames[1].contains("1 running"), frames[1]);
        String last = frames[frames.length - 1];
        assertTrue(last.contains("FINISHED (COMPLETED)") && last.contains("best val loss 2.5000 (t1)"), last);
        assertTrue(last.contains("t1"), last);
        assertEquals(ResultsCli.UNKNOWN_ID, run("watch", "never-watched").code());
        assertEquals(ResultsCli.USAGE, run("watch", s, "--every", "x").code());
    }

    @Test
    void bestPrintsOnlyASpecThatLoads() {
        Run r = run("best", "s1");
        assertEquals(ResultsCli.OK, r.code(), r.err());
        SearchSpec spec = SpecLoader.parse(r.out(), "best.yaml");
        assertEquals("tiny-best", spec.name());
        assertEquals(1, spec.budget().maxTrials());
        assertTrue(r.err().contains("t2"), r.err());
    }

    @Test
    void bestNamesTheWinnersSavedModelOfItsLatestAttempt() throws Exception {
        String s = "saved";
        store.applyBatch(List.of(), List.of(Events.started(s),
                LifecycleEvent.trialCreated(s, "t1", Events.config(2e-3, 16)),
                Events.evaluated(s, "t1", 10, 2.0, 100),
                LifecycleEvent.trialCompleted(s, "t1", 1, 10, 100, "/ckpt/saved/t1-first.zip"),
                LifecycleEvent.trialStarted(s, "t1", 2, "resumed"),
                LifecycleEvent.trialEvaluated(s, "t1", 2, 10, 1.5, 100),
                LifecycleEvent.trialCompleted(s, "t1", 2, 10, 100, "/ckpt/saved/t1.zip")));

        Run r = run("best", s);
        assertEquals(ResultsCli.OK, r.code(), r.err());
        assertTrue(r.err().endsWith("model saved at /ckpt/saved/t1.zip\n"), r.err());
        assertTrue(r.out().startsWith("# trained model, for init: {checkpoint: ...}: /ckpt/saved/t1.zip\n"), r.out());
        assertEquals("tiny-best", SpecLoader.parse(r.out(), "best.yaml").name());

        Run unsaved = run("best", "s1");
        assertTrue(unsaved.err().endsWith("; no saved model\n"), unsaved.err());
        assertTrue(!unsaved.out().contains("trained model"), unsaved.out());
    }

    @Test
    void unknownIdsExitWithTwo() {
        Run best = run("best", "nope");
        assertEquals(ResultsCli.UNKNOWN_ID, best.code());
        assertEquals("unknown search 'nope'\n", best.err());
        assertEquals("", best.out());
        assertEquals(ResultsCli.UNKNOWN_ID, run("leaderboard", "nope").code());
        assertEquals(ResultsCli.UNKNOWN_ID, run("curve", "nope", "t1").code());
        assertEquals(ResultsCli.UNKNOWN_ID, run("curve", "s1", "nope").code());
    }

    @Test
    void curvePrintsStepsAndEvaluations() {
        Run r = run("curve", "s1", "t3");
        assertEquals(ResultsCli.OK, r.code(), r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals("STEP  WORKER      LOSS  LEARNING RATE  TOKENS", lines.get(0));
        assertEquals("   1       0    6.0000          0.001    1024", lines.get(1));
        assertEquals("   2       0  Infinity          0.001    2048", lines.get(2));
        assertEquals("   3       0       NaN          0.001    3072", lines.get(3));
        assertEquals("", lines.get(4));
        assertEquals("STEP  VAL LOSS  TOKENS", lines.get(5));
        assertEquals("   3       NaN    3072", lines.get(6));
    }

    @Test
    void searchesListsThem() {
        Run r = run("searches");
        assertEquals(ResultsCli.OK, r.code(), r.err());
        assertTrue(r.out().startsWith("SEARCH"), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("s1 ") && l.contains("FINISHED") && l.contains("2.9000")),
                r.out());
    }

    @Test
    void usageErrors() {
        assertEquals(ResultsCli.USAGE, run("best").code());
        assertEquals(ResultsCli.USAGE, run("frobnicate").code());
        assertEquals(ResultsCli.USAGE, run("leaderboard", "s1", "--wait", "soon").code());
    }

    @Test
    void anUnreachableDatabaseIsExitCodeOne() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        AggregatorConfig nowhere = config.with(AggregatorConfig.JDBC_URL, "jdbc:postgresql://127.0.0.1:1/hpo");
        int code = new ResultsCli(nowhere, new PrintStream(new ByteArrayOutputStream()), new PrintStream(err))
                .run("searches", List.of());
        assertEquals(ResultsCli.FAILED, code);
        assertTrue(err.toString().contains("cannot read the results database"), err.toString());
    }
}
