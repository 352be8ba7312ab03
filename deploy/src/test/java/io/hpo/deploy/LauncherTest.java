package io.hpo.deploy;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The launcher ({@code ./hpo}) copied into a temporary repository root whose path holds a space, with stand-in build
 * outputs, a stand-in {@code mvn} on the PATH and a stand-in {@code java} under JAVA_HOME: each records how it was
 * called. Services "already running" are {@code sleep} processes with the pid and command line files the launcher
 * writes when it starts one.
 */
class LauncherTest {
    /** The ids SearchIds (driver module) accepts. */
    private static final String VALID_SEARCH_ID = "[A-Za-z0-9][A-Za-z0-9._-]{0,99}";
    /** /proc/PID/cmdline of {@code sleep 600}: each argument ends with a NUL. */
    private static final String SLEEP_CMDLINE = String.join("\0", "sleep", "600", "");

    @TempDir
    Path tmp;
    private Path root;
    private Path state;
    private Path logs;
    private final Map<String, String> env = new HashMap<>();
    private final List<Process> sleepers = new ArrayList<>();

    @BeforeEach
    void layout() throws IOException {
        root = Files.createDirectories(tmp.resolve("hpo root"));
        state = tmp.resolve("state dir");
        logs = Files.createDirectories(tmp.resolve("calls"));
        Files.copy(HelmChartsTest.repositoryRoot().resolve("hpo"), root.resolve("hpo"), StandardCopyOption.COPY_ATTRIBUTES);
        write(root.resolve("pom.xml"), "<project/>");
        write(root.resolve("worker/src/main/java/A.java"), "class A {}");
        for (String jar : List.of("driver/target/hpo-driver.jar", "aggregator/target/hpo-aggregator.jar")) {
            write(root.resolve(jar), "");
        }
        write(root.resolve("driver/target/spark-jvm.flags"), "-Dflag.one=1 -Dflag.two=2\n");
        write(root.resolve("driver/target/log4j2-driver.properties"), "");
        write(root.resolve("deploy/target/runtime-classpath.txt"), "/lib/a.jar:/lib/b.jar");
        Files.createDirectories(root.resolve("deploy/kafka-broker/target/lib"));
        Files.createDirectories(root.resolve("deploy/spark-runtime/target/spark/jars"));
        sourcesAgeMinutes(60);

        Path bin = Files.createDirectories(tmp.resolve("bin"));
        script(bin.resolve("mvn"), "echo \"$PWD|$*\" >>\"$FAKE_LOGS/mvn.log\"\n"
                + "[ -z \"${FAKE_MVN_SKIPS:-}\" ] || printf '%b' \"$FAKE_MVN_SKIPS\" >>\"$HPO_SKIPPED_TOOLS\"\n"
                + "exit \"${FAKE_MVN_EXIT:-0}\"\n");
        Path javaHome = tmp.resolve("jdk");
        script(Files.createDirectories(javaHome.resolve("bin")).resolve("java"),
                "{ echo \"CALL SPARK_LOCAL_IP=${SPARK_LOCAL_IP-unset}\"; printf '%s\\n' \"$@\"; } >>\"$FAKE_LOGS/java.log\"\n"
                        + "exit \"${FAKE_JAVA_EXIT:-0}\"\n");
        env.put("PATH", bin + ":/usr/bin:/bin");
        env.put("JAVA_HOME", javaHome.toString());
        env.put("HPO_HOME", state.toString());
        env.put("FAKE_LOGS", logs.toString());
        // free ports, so that another stack on this machine does not answer
        env.put("HPO_PG_PORT", String.valueOf(freePort()));
        env.put("HPO_KAFKA_PORT", String.valueOf(freePort()));
        env.put("HPO_API_PORT", String.valueOf(freePort()));
    }

    @AfterEach
    void stopSleepers() {
        sleepers.forEach(Process::destroyForcibly);
    }

    // --- pid files ---

    @Test
    void downLeavesTheProcessOfAStalePidFileAlone() throws Exception {
        Process unrelated = sleeper();
        Files.createDirectories(state.resolve("run"));
        write(state.resolve("run/kafka.pid"), unrelated.pid() + "\n");
        write(state.resolve("run/kafka.cmdline"), "java\0-cp\0x\0io.hpo.deploy.ServiceMain\0kafka\0");

        Result down = hpo("down");
        assertEquals(0, down.exit, down.output);
        assertTrue(down.output.contains("kafka was not running: pid " + unrelated.pid()), down.output);
        assertTrue(down.output.contains("removed the stale pid file"), down.output);
        assertFalse(unrelated.waitFor(1, TimeUnit.SECONDS), "a process hpo did not start was signalled");
        assertFalse(Files.exists(state.resolve("run/kafka.pid")));
    }

    @Test
    void downStopsTheProcessItStarted() throws Exception {
        Process kafka = runningService("kafka");
        Result down = hpo("down");
        assertEquals(0, down.exit, down.output);
        assertTrue(down.output.contains("kafka stopped"), down.output);
        assertTrue(kafka.waitFor(10, TimeUnit.SECONDS));
        assertFalse(Files.exists(state.resolve("run/kafka.pid")));
    }

    // --- building ---

    @Test
    void rebuildsWhenASourceIsNewerThanTheJars() throws Exception {
        Files.setLastModifiedTime(root.resolve("worker/src/main/java/A.java"), FileTime.from(Instant.now().plusSeconds(60)));
        Result up = upOnATakenPostgresPort();
        assertTrue(up.output.contains("Building (sources changed since the last build)"), up.output);
        assertEquals(root + "|-B -q -DskipTests package\n", Files.readString(logs.resolve("mvn.log")));
    }

    @Test
    void aChangedPomAlsoRebuilds() throws Exception {
        Files.setLastModifiedTime(root.resolve("pom.xml"), FileTime.from(Instant.now().plusSeconds(60)));
        upOnATakenPostgresPort();
        assertTrue(Files.exists(logs.resolve("mvn.log")));
    }

    @Test
    void doesNotRebuildWhenTheJarsAreNewer() throws Exception {
        Result up = upOnATakenPostgresPort();
        assertFalse(up.output.contains("Building"), up.output);
        assertFalse(Files.exists(logs.resolve("mvn.log")));
    }

    // --- ports ---

    @Test
    void aTakenPortNamesTheVariableThatMovesIt() throws Exception {
        assertTrue(upOnATakenPostgresPort().output.contains("set HPO_PG_PORT to another port"));

        runningService("postgres");
        runningService("kafka");
        try (ServerSocket taken = new ServerSocket(0)) {
            env.put("HPO_API_PORT", String.valueOf(taken.getLocalPort()));
            Result up = hpo("up");
            assertEquals(2, up.exit, up.output);
            assertTrue(up.output.contains("is taken by another program; set HPO_API_PORT to another port"), up.output);
        }
    }

    // --- command lines ---

    @Test
    void serviceCommandsKeepPathsWithSpacesWhole() throws Exception {
        env.put("FAKE_JAVA_EXIT", "1");
        Result up = hpo("up");
        assertEquals(2, up.exit, up.output);
        assertTrue(up.output.contains("postgres exited while starting"), up.output);
        List<String> postgres = javaCalls().get(0);
        assertTrue(postgres.contains(root + "/deploy/target/classes:/lib/a.jar:/lib/b.jar"), postgres.toString());
        assertTrue(postgres.contains("-Dhpo.kafka.classpath=" + root + "/deploy/kafka-broker/target/lib/*"), postgres.toString());
        assertEquals(List.of("io.hpo.deploy.ServiceMain", "postgres", state + "/postgres", env.get("HPO_PG_PORT")),
                postgres.subList(postgres.size() - 4, postgres.size()));
    }

    @Test
    void submitKeepsPathsWholeAndMakesAnIdTheDriverAcceptsFromAnyFileName() throws Exception {
        stackRunning();
        Path spec = write(root.resolve("my specs/.my démo (v2).yaml"), "name: x\n");
        Result submit = hpo("submit", spec.toString());
        assertEquals(0, submit.exit, submit.output);

        List<String> driver = sparkSubmit();
        assertEquals("CALL SPARK_LOCAL_IP=127.0.0.1", driver.get(0));
        assertTrue(driver.containsAll(List.of("-Dflag.one=1", "-Dflag.two=2",
                "spark.driver.extraJavaOptions=-Dflag.one=1 -Dflag.two=2", root + "/deploy/spark-runtime/target/spark/jars/*",
                "-Dhpo.log.file=" + state + "/logs/driver-" + driver.get(driver.size() - 1) + ".log")), driver.toString());
        List<String> tail = driver.subList(driver.size() - 4, driver.size());
        assertEquals(List.of(root + "/driver/target/hpo-driver.jar", spec.toString(), "--search-id"), tail.subList(0, 3));
        String id = tail.get(3);
        // é is one character or two bytes, as the locale has it: either way replaced
        assertTrue(id.matches(VALID_SEARCH_ID) && id.matches("search\\.my-d-+mo--v2--\\d{8}-\\d{6}-[0-9a-f]{4}"), id);
        // the results the launcher prints afterwards are that search's
        assertTrue(javaCalls().stream().anyMatch(c -> c.containsAll(List.of("leaderboard", id))), javaCalls().toString());
    }

    @Test
    void importanceAsksTheResultsCliAndTheHelpNamesItToTheLastLine() throws Exception {
        stackRunning();
        Result r = hpo("importance", "my-search");
        assertEquals(0, r.exit, r.output);
        List<String> call = javaCalls().get(javaCalls().size() - 1);
        assertEquals(List.of(root + "/aggregator/target/hpo-aggregator.jar", "importance", "my-search"),
                call.subList(call.size() - 3, call.size()));
        Result help = hpo("help");
        for (String command : List.of("importance SEARCH_ID", "scaling SEARCH_ID", "enqueue SEARCH_ID")) {
            assertTrue(help.output.contains("./hpo " + command), help.output);
        }
        List<String> header = Files.readAllLines(root.resolve("hpo")).stream().skip(1)
                .takeWhile(line -> line.startsWith("#")).toList();
        assertTrue(help.output.endsWith(header.get(header.size() - 1).substring(2) + "\n"),
                "the help ends with the launcher's last comment line: " + help.output);
    }

    /** A stand-in {@code date} stops the clock: the ids differ by their random part alone. */
    @Test
    void twoSubmitsInTheSameSecondGetDifferentIds() throws Exception {
        stackRunning();
        script(tmp.resolve("bin/date"), "echo 20261206-193000\n");
        Path spec = write(root.resolve("demo.yaml"), "name: x\n");
        assertEquals(0, hpo("submit", spec.toString()).exit);
        assertEquals(0, hpo("submit", spec.toString()).exit);

        List<String> ids = javaCalls().stream().filter(c -> c.contains("org.apache.spark.deploy.SparkSubmit"))
                .map(c -> c.get(c.size() - 1)).toList();
        assertEquals(2, ids.size(), ids.toString());
        assertTrue(ids.stream().allMatch(id -> id.matches("demo-20261206-193000-[0-9a-f]{4}")), ids.toString());
        assertNotEquals(ids.get(0), ids.get(1));
    }

    @Test
    void onlyALocalMasterIsForcedOntoLoopback() throws Exception {
        stackRunning();
        Path spec = write(root.resolve("s.yaml"), "name: x\n");
        assertEquals(0, hpo("submit", spec.toString(), "--search-id", "local-one").exit);
        assertTrue(sparkSubmit().contains("spark.driver.host=127.0.0.1"));

        Files.delete(logs.resolve("java.log"));
        env.put("HPO_SPARK_MASTER", "spark://10.1.2.3:7077");
        Result remote = hpo("submit", spec.toString(), "--search-id", "remote-one");
        assertEquals(0, remote.exit, remote.output);
        List<String> driver = sparkSubmit();
        assertEquals("CALL SPARK_LOCAL_IP=unset", driver.get(0));
        assertFalse(driver.contains("spark.driver.host=127.0.0.1"), driver.toString());
        assertTrue(driver.containsAll(List.of("spark://10.1.2.3:7077", "remote-one")), driver.toString());
    }

    @Test
    void theDriverReadsWarmStartsFromTheLaunchersOwnAggregator() throws Exception {
        stackRunning();
        Path spec = write(root.resolve("s.yaml"), "name: x\n");
        assertEquals(0, hpo("submit", spec.toString(), "--search-id", "warm-one").exit);

        assertTrue(sparkSubmit().contains("spark.hpo.driver.aggregator.url=http://127.0.0.1:" + env.get("HPO_API_PORT")),
                sparkSubmit()::toString);
    }

    // --- arguments ---

    @Test
    void aMissingValueOrAnExtraArgumentIsOneLineAndExitCode2() throws Exception {
        Path spec = write(root.resolve("s.yaml"), "name: x\n");
        assertRefused("hpo: --search-id needs a value", "submit", spec.toString(), "--search-id");
        assertRefused("hpo: unexpected argument 'extra' (usage: ./hpo submit SPEC.yaml [--search-id ID])",
                "submit", spec.toString(), "extra");
        assertRefused("hpo: unknown option '--id' (usage: ./hpo submit SPEC.yaml [--search-id ID])",
                "submit", spec.toString(), "--id", "x");
        assertRefused("hpo: unexpected argument 'now' (try ./hpo help)", "down", "now");
        assertRefused("hpo: unexpected argument 'x' (try ./hpo help)", "up", "x");
        assertRefused("hpo: unexpected argument 'x' (try ./hpo help)", "status", "x");
        assertRefused("hpo: unexpected argument 'x' (try ./hpo help)", "cluster", "status", "x");
        assertRefused("hpo: usage: ./hpo resume SEARCH_ID", "resume", "a", "b");
        // refused before building or starting anything
        assertFalse(Files.exists(logs.resolve("mvn.log")));
        assertFalse(Files.exists(logs.resolve("java.log")));
    }

    // --- ./hpo test ---

    @Test
    void testEndsByNamingWhatWasSkippedAndItsDebianPackage() throws Exception {
        env.put("FAKE_MVN_SKIPS", "promtool\\tprometheus\\tio.hpo.A.a\\nchromium\\tchromium\\tio.hpo.B.b\\n"
                + "promtool\\tprometheus\\tio.hpo.C.c\\n");
        env.put("FAKE_MVN_EXIT", "1");
        Result test = hpo("test", "-pl", "deploy");
        assertEquals(1, test.exit, "the suite's exit code");
        assertEquals(root + "|-B verify -pl deploy\n", Files.readString(logs.resolve("mvn.log")));
        String[] lines = test.output.strip().split("\n");
        assertEquals(List.of("  chromium: 1 test(s) skipped; install the Debian package chromium",
                "  promtool: 2 test(s) skipped; install the Debian package prometheus"),
                Arrays.asList(lines).subList(lines.length - 2, lines.length), test.output);
    }

    @Test
    void testWithNothingSkippedPrintsNoList() throws Exception {
        Result test = hpo("test");
        assertEquals(0, test.exit, test.output);
        assertEquals("", test.output);
    }

    // --- helpers ---

    private record Result(int exit, String output) {
    }

    private Result hpo(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(root.resolve("hpo").toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).directory(tmp.toFile());
        for (String inherited : List.of("SPARK_LOCAL_IP", "HPO_SPARK_MASTER", "HPO_SKIPPED_TOOLS", "CI")) {
            pb.environment().remove(inherited);
        }
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), out);
        return new Result(p.exitValue(), out.replaceAll("\u001b\\[[0-9;]*m", ""));
    }

    private void assertRefused(String message, String... args) throws Exception {
        Result r = hpo(args);
        assertEquals(2, r.exit, r.output);
        assertEquals(message + "\n", r.output);
    }

    private Result upOnATakenPostgresPort() throws Exception {
        try (ServerSocket taken = new ServerSocket(0)) {
            env.put("HPO_PG_PORT", String.valueOf(taken.getLocalPort()));
            Result up = hpo("up");
            assertEquals(2, up.exit, up.output);
            assertTrue(up.output.contains("port " + taken.getLocalPort() + " (for postgres) is taken"), up.output);
            return up;
        }
    }

    /** Every call of the stand-in java: its SPARK_LOCAL_IP line, then its arguments. */
    private List<List<String>> javaCalls() throws IOException {
        List<List<String>> calls = new ArrayList<>();
        for (String line : Files.readAllLines(logs.resolve("java.log"))) {
            if (line.startsWith("CALL ")) {
                calls.add(new ArrayList<>());
            }
            calls.get(calls.size() - 1).add(line);
        }
        return calls;
    }

    private List<String> sparkSubmit() throws IOException {
        return javaCalls().stream().filter(c -> c.contains("org.apache.spark.deploy.SparkSubmit")).findFirst()
                .orElseThrow();
    }

    private void stackRunning() throws IOException, InterruptedException {
        for (String service : List.of("postgres", "kafka", "aggregator")) {
            runningService(service);
        }
    }

    /** A process with the pid file and command line file start_service writes for what it started. */
    private Process runningService(String name) throws IOException, InterruptedException {
        Process p = sleeper();
        Files.createDirectories(state.resolve("run"));
        write(state.resolve("run/" + name + ".pid"), p.pid() + "\n");
        write(state.resolve("run/" + name + ".cmdline"), SLEEP_CMDLINE);
        return p;
    }

    /** {@code sleep 600}, once it runs as such (it starts as the JDK's spawn helper). */
    private Process sleeper() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("sleep", "600").start();
        sleepers.add(p);
        Path cmdline = Path.of("/proc/" + p.pid() + "/cmdline");
        for (int i = 0; i < 100 && !Files.readString(cmdline).equals(SLEEP_CMDLINE); i++) {
            Thread.sleep(50);
        }
        return p;
    }

    private void sourcesAgeMinutes(int minutes) throws IOException {
        FileTime past = FileTime.from(Instant.now().minus(minutes, ChronoUnit.MINUTES));
        Files.setLastModifiedTime(root.resolve("pom.xml"), past);
        Files.setLastModifiedTime(root.resolve("worker/src/main/java/A.java"), past);
        Files.setLastModifiedTime(root.resolve("worker/src/main/java"), past);
        Files.setLastModifiedTime(root.resolve("worker/src/main"), past);
        Files.setLastModifiedTime(root.resolve("worker/src"), past);
    }

    private static Path write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        return Files.writeString(file, text);
    }

    private static void script(Path file, String body) throws IOException {
        Files.writeString(file, "#!/bin/bash\n" + body);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
