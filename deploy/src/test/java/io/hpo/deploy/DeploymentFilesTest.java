package io.hpo.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docker-compose.yml (validated by Debian's docker-compose: `config -q`, with and without the GPU overlay), the
 * files it mounts and builds from, the Dockerfiles' inputs, the Prometheus config (promtool) and the Grafana
 * provisioning. No Docker engine is needed: nothing is built or started.
 */
class DeploymentFilesTest {
    private static final Path ROOT = HelmChartsTest.repositoryRoot();
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Pattern COPY = Pattern.compile("^COPY\\s+(?:--\\S+\\s+)*(.+)\\s+(\\S+)$", Pattern.MULTILINE);
    /** The secrets compose requires, each a value found nowhere else. */
    private static final Map<String, String> SECRETS = Map.of(
            "HPO_DB_PASSWORD", "db-secret-71", "HPO_GRAFANA_DB_PASSWORD", "grafana-db-secret-72",
            "HPO_GRAFANA_ADMIN_PASSWORD", "grafana-admin-secret-73", "HPO_SPARK_AUTH_SECRET", "spark-secret-74",
            "HPO_API_TOKEN", "api-token-75");

    @Test
    void composeFileIsValidAndComplete() throws Exception {
        assertEquals("", compose(SECRETS, "-f", "docker-compose.yml", "config", "-q"));
        assertEquals("", compose(SECRETS, "-f", "docker-compose.yml", "-f", "docker-compose.gpu.yml", "config", "-q"));

        JsonNode config = YAML.readTree(compose(SECRETS, "-f", "docker-compose.yml", "config"));
        JsonNode services = config.get("services");
        assertEquals(Set.of("spark-master", "spark-worker-1", "spark-worker-2", "kafka", "postgres", "aggregator",
                "prometheus", "grafana", "submit"), names(services));
        assertEquals("submit", services.path("submit").path("profiles").get(0).asText());
        assertEquals("hpo-submit", services.path("submit").path("entrypoint").get(0).asText());
        // the driver reads a spec's warm start through the aggregator's API, by the name its allow-list holds
        assertEquals("http://aggregator:8088", services.path("submit").path("environment").path("HPO_AGGREGATOR_URL")
                .asText());
        assertEquals("broker,controller", services.path("kafka").path("environment").path("KAFKA_PROCESS_ROLES").asText());
        // Prometheus scrapes the aggregator by its service name, which the API's Host allow-list must hold
        assertTrue(Files.readString(ROOT.resolve("deploy/compose/prometheus.yml")).contains("\"aggregator:8088\""));
        assertEquals("aggregator", services.path("aggregator").path("environment")
                .path("HPO_AGGREGATOR_API_ALLOWED_HOSTS").asText());
        for (JsonNode service : (Iterable<JsonNode>) services::elements) {
            // compose resolves paths but does not check them: a build or a mount of a missing file fails only on a Docker host
            JsonNode build = service.path("build");
            if (!build.isMissingNode()) {
                assertTrue(Files.isRegularFile(Path.of(build.path("context").asText()).resolve(build.path("dockerfile").asText())), build.toString());
            }
            for (JsonNode volume : service.path("volumes")) {
                if (volume.path("type").asText().equals("bind")) {
                    assertTrue(Files.exists(Path.of(volume.path("source").asText())), volume.toString());
                }
            }
        }

        JsonNode gpu = YAML.readTree(compose(SECRETS, "-f", "docker-compose.yml", "-f", "docker-compose.gpu.yml", "config")).get("services");
        Set<String> gpuIds = new HashSet<>();
        String dockerfile = Files.readString(ROOT.resolve("docker/driver/Dockerfile"));
        for (String worker : List.of("spark-worker-1", "spark-worker-2")) {
            JsonNode device = gpu.path(worker).path("deploy").path("resources").path("reservations").path("devices").get(0);
            assertEquals("nvidia", device.path("driver").asText(), worker);
            assertEquals("gpu", device.path("capabilities").get(0).asText(), worker);
            gpuIds.add(device.path("device_ids").get(0).asText());
            // the worker offers its GPU to Spark through the script the image carries, and keeps its metrics
            String opts = gpu.path(worker).path("environment").path("SPARK_WORKER_OPTS").asText();
            assertTrue(opts.contains("-Dspark.worker.resource.gpu.amount=1"), opts);
            assertTrue(opts.contains("-Dspark.worker.resource.gpu.discoveryScript=/opt/hpo/discover-gpus.sh"), opts);
            assertTrue(opts.contains("prometheusServlet"), opts);
            assertEquals(services.path(worker).path("environment").path("SPARK_WORKER_MEMORY"),
                    gpu.path(worker).path("environment").path("SPARK_WORKER_MEMORY"), worker);
        }
        assertTrue(dockerfile.contains("COPY deploy/gpu/discover-gpus.sh /opt/hpo/discover-gpus.sh"), dockerfile);
        assertEquals(Set.of("0", "1"), gpuIds, "each worker its own GPU");
        assertEquals("1", gpu.path("submit").path("environment").path("HPO_WORKER_GPUS").asText());
        assertTrue(gpu.path("spark-master").path("deploy").isMissingNode(), "only workers reserve GPUs");
    }

    @Test
    void composeRefusesToStartWithoutEachSecretAndSaysHowToSetIt() throws Exception {
        for (String missing : SECRETS.keySet()) {
            Map<String, String> env = new HashMap<>(SECRETS);
            env.remove(missing);
            String error = composeFailure(env, "-f", "docker-compose.yml", "config", "-q");
            assertTrue(error.contains("set " + missing + " to "), missing + ": " + error);
        }
        String config = compose(SECRETS, "-f", "docker-compose.yml", "config");
        assertFalse(config.contains("hpo-local"), "no default password left: " + config);
    }

    @Test
    void publishedPortsBindLoopbackUnlessTheUserChoosesAnAddress() throws Exception {
        assertEquals(Map.of("spark-master", List.of("7077", "8080"), "aggregator", List.of("8088"),
                "prometheus", List.of("9090"), "grafana", List.of("3000")), publishedPorts(SECRETS, "127.0.0.1"));
        Map<String, String> everywhere = new HashMap<>(SECRETS);
        everywhere.put("HPO_BIND_ADDRESS", "0.0.0.0");
        assertEquals(Set.of("spark-master", "aggregator", "prometheus", "grafana"),
                publishedPorts(everywhere, "0.0.0.0").keySet());
    }

    @Test
    void sparkRpcIsAuthenticatedWithTheGivenSecretKeptOffCommandLines() throws Exception {
        String secret = SECRETS.get("HPO_SPARK_AUTH_SECRET");
        for (String overlay : List.of("docker-compose.yml", "docker-compose.gpu.yml")) {
            JsonNode services = YAML.readTree(compose(SECRETS, "-f", "docker-compose.yml", "-f", overlay, "config"))
                    .get("services");
            Map<String, String> daemons = Map.of("spark-master", "SPARK_MASTER_OPTS", "spark-worker-1",
                    "SPARK_WORKER_OPTS", "spark-worker-2", "SPARK_WORKER_OPTS");
            daemons.forEach((service, optsVariable) -> {
                JsonNode env = services.path(service).path("environment");
                String opts = env.path(optsVariable).asText();
                assertTrue(opts.contains("-Dspark.authenticate=true"), overlay + " " + service + ": " + opts);
                assertFalse(opts.contains(secret), overlay + " " + service + ": " + opts);
                // Spark's daemons read the secret from this variable (SecurityManager.ENV_AUTH_SECRET)
                assertEquals(secret, env.path("_SPARK_AUTH_SECRET").asText(), overlay + " " + service);
            });
            assertEquals(secret, services.path("submit").path("environment").path("HPO_SPARK_AUTH_SECRET").asText());
        }
    }

    /** docker/driver/hpo-submit with a stand-in spark-submit that prints its arguments and its properties file. */
    @Test
    void hpoSubmitHandsTheSparkSecretOverInAPrivatePropertiesFile() throws Exception {
        Path dir = Files.createTempDirectory("hpo-submit");
        Path bin = Files.createDirectories(dir.resolve("spark/bin"));
        Files.writeString(bin.resolve("spark-submit"), """
                #!/usr/bin/env bash
                prev=
                for a in "$@"; do
                  echo "ARG $a"
                  if [ "$prev" = --properties-file ]; then echo "MODE $(stat -c %a "$a")"; sed 's/^/PROP /' "$a"; fi
                  prev=$a
                done
                """);
        Files.setPosixFilePermissions(bin.resolve("spark-submit"), PosixFilePermissions.fromString("rwx------"));
        Files.createDirectories(dir.resolve("spark/conf"));
        Files.writeString(dir.resolve("spark/conf/spark-defaults.conf"), "spark.eventLog.enabled true");
        Files.writeString(dir.resolve("spark-jvm.flags"), "-Dflag=1\n");
        Map<String, String> env = new HashMap<>(Map.of("SPARK_HOME", dir.resolve("spark").toString(),
                "HPO_APP_JAR", dir.resolve("app.jar").toString(), "HPO_SPARK_MASTER", "spark://master:7077",
                "HPO_KAFKA_BOOTSTRAP_SERVERS", "kafka:9092", "HPO_DRIVER_HOST", "10.0.0.5",
                "HPO_SPARK_AUTH_SECRET", "s3cret-76", "HPO_AGGREGATOR_URL", "http://aggregator:8088"));
        String out = runWith(env, "docker/driver/hpo-submit", "spec.yaml");
        assertFalse(out.lines().filter(l -> l.startsWith("ARG ")).anyMatch(l -> l.contains("s3cret-76")), out);
        assertTrue(out.contains("MODE 600\n"), out);
        List<String> props = out.lines().filter(l -> l.startsWith("PROP ")).map(l -> l.substring(5)).toList();
        assertTrue(props.containsAll(List.of("spark.eventLog.enabled true", "spark.authenticate true",
                "spark.authenticate.secret s3cret-76")), props::toString);
        assertTrue(out.contains("ARG spark.driver.host=10.0.0.5\n") && out.endsWith("ARG spec.yaml\n"), out);
        assertTrue(out.contains("ARG spark.hpo.driver.aggregator.url=http://aggregator:8088\n"), out);

        env.remove("HPO_SPARK_AUTH_SECRET");
        assertFalse(runWith(env, "docker/driver/hpo-submit", "spec.yaml").contains("--properties-file"));
    }

    /** The driver of a compose submit reads the webhook's HMAC key from its environment, never an argument. */
    @Test
    void theNotifySecretReachesTheDriversEnvironmentAndNoArgument() throws Exception {
        Path dir = Files.createTempDirectory("hpo-submit");
        Path bin = Files.createDirectories(dir.resolve("spark/bin"));
        Files.writeString(bin.resolve("spark-submit"), """
                #!/usr/bin/env bash
                for a in "$@"; do echo "ARG $a"; done
                echo "ENV $HPO_NOTIFY_SECRET"
                """);
        Files.setPosixFilePermissions(bin.resolve("spark-submit"), PosixFilePermissions.fromString("rwx------"));
        Files.writeString(dir.resolve("spark-jvm.flags"), "-Dflag=1\n");
        String out = runWith(Map.of("SPARK_HOME", dir.resolve("spark").toString(),
                "HPO_APP_JAR", dir.resolve("app.jar").toString(), "HPO_SPARK_MASTER", "spark://master:7077",
                "HPO_KAFKA_BOOTSTRAP_SERVERS", "kafka:9092", "HPO_DRIVER_HOST", "10.0.0.5",
                "HPO_NOTIFY_SECRET", "hmac-77", "HPO_NOTIFY_DASHBOARD_URL", "http://dash:8088"),
                "docker/driver/hpo-submit", "spec.yaml");
        assertFalse(out.lines().filter(l -> l.startsWith("ARG ")).anyMatch(l -> l.contains("hmac-77")), out);
        assertTrue(out.contains("ENV hmac-77\n"), out);
        assertTrue(out.contains("ARG spark.hpo.driver.notify.dashboard.url=http://dash:8088\n"), out);

        Map<String, String> env = new HashMap<>(SECRETS);
        env.put("HPO_NOTIFY_SECRET", "hmac-77");
        JsonNode submit = YAML.readTree(compose(env, "-f", "docker-compose.yml", "config")).path("services")
                .path("submit").path("environment");
        assertEquals("hmac-77", submit.path("HPO_NOTIFY_SECRET").asText());
    }

    @Test
    void grafanaSignsEveryoneInAndReadsResultsAsTheReadOnlyUser() throws Exception {
        JsonNode services = YAML.readTree(compose(SECRETS, "-f", "docker-compose.yml", "config")).get("services");
        JsonNode grafana = services.path("grafana").path("environment");
        assertEquals("false", grafana.path("GF_AUTH_ANONYMOUS_ENABLED").asText());
        assertEquals(SECRETS.get("HPO_GRAFANA_ADMIN_PASSWORD"), grafana.path("GF_SECURITY_ADMIN_PASSWORD").asText());
        assertEquals(SECRETS.get("HPO_GRAFANA_DB_PASSWORD"), grafana.path("HPO_GRAFANA_DB_PASSWORD").asText());
        assertTrue(grafana.path("HPO_DB_PASSWORD").isMissingNode(), "Grafana never gets the owner's password");

        JsonNode results = null;
        for (JsonNode d : YAML.readTree(ROOT.resolve("deploy/compose/grafana/provisioning/datasources/hpo.yml").toFile())
                .path("datasources")) {
            if (d.path("type").asText().contains("postgres")) {
                results = d;
            }
        }
        assertNotEquals(null, results);
        assertEquals("hpo_grafana", results.path("user").asText());
        assertEquals("$HPO_GRAFANA_DB_PASSWORD", results.path("secureJsonData").path("password").asText());

        // the postgres image creates the user from its init folder, with the password compose gives it
        JsonNode postgres = services.path("postgres");
        assertEquals(SECRETS.get("HPO_GRAFANA_DB_PASSWORD"), postgres.path("environment").path("HPO_GRAFANA_DB_PASSWORD").asText());
        assertTrue(postgres.path("volumes").toString().contains(
                "deploy/compose/postgres/readonly-user.sql:/docker-entrypoint-initdb.d/readonly-user.sql:ro"), postgres.toString());
        // the aggregator's API listens on its container's every interface: it gets its token
        assertEquals(SECRETS.get("HPO_API_TOKEN"),
                services.path("aggregator").path("environment").path("HPO_AGGREGATOR_API_TOKEN").asText());
    }

    @Test
    void dockerfilesCopyOnlyWhatTheBuildProducesAndTheContextKeeps() throws Exception {
        List<String> kept = Files.readAllLines(ROOT.resolve(".dockerignore")).stream()
                .filter(l -> l.startsWith("!")).map(l -> l.substring(1).replaceAll("/$", "")).toList();
        for (String image : List.of("driver", "aggregator")) {
            String dockerfile = Files.readString(ROOT.resolve("docker").resolve(image).resolve("Dockerfile"));
            Matcher m = COPY.matcher(dockerfile);
            int copies = 0;
            while (m.find()) {
                for (String source : m.group(1).trim().split("\\s+")) {
                    String path = source.replaceAll("/$", "");
                    assertTrue(kept.contains(path), image + ": " + path + " is not kept by .dockerignore");
                    // jars come from `mvn package`; everything else is in the repository
                    assertTrue(path.contains("/target/") || Files.exists(ROOT.resolve(path)), image + ": no " + path);
                    copies++;
                }
            }
            assertTrue(copies > 0, image);
        }
        assertTrue(Files.isExecutable(ROOT.resolve("docker/driver/hpo-submit")));
        assertEquals("", run("bash", "-n", "docker/driver/hpo-submit"));
    }

    @Test
    void prometheusConfigPassesPromtool() throws Exception {
        String promtool = tool("promtool");
        RequiredTool.require(promtool != null, "promtool", "prometheus");
        String out = run(promtool, "check", "config", "deploy/compose/prometheus.yml");
        assertTrue(out.contains("SUCCESS"), out);
    }

    @Test
    void grafanaDashboardUsesOnlyProvisionedDatasources() throws IOException {
        JsonNode datasources = YAML.readTree(ROOT.resolve("deploy/compose/grafana/provisioning/datasources/hpo.yml").toFile());
        Set<String> provisioned = new HashSet<>();
        datasources.path("datasources").forEach(d -> provisioned.add(d.path("uid").asText()));
        JsonNode dashboard = new ObjectMapper().readTree(ROOT.resolve("deploy/compose/grafana/dashboards/hpo.json").toFile());
        Set<String> used = new TreeSet<>();
        dashboard.findValues("datasource").forEach(d -> used.add(d.path("uid").asText()));
        assertFalse(used.isEmpty());
        assertTrue(provisioned.containsAll(used), "dashboard uses " + used + ", provisioned " + provisioned);
        JsonNode provider = YAML.readTree(ROOT.resolve("deploy/compose/grafana/provisioning/dashboards/hpo.yml").toFile());
        assertEquals("/var/lib/grafana/dashboards", provider.path("providers").get(0).path("options").path("path").asText());
    }

    /** Each service's published ports, checking that every one binds {@code address}. */
    private static Map<String, List<String>> publishedPorts(Map<String, String> env, String address) throws Exception {
        JsonNode services = YAML.readTree(compose(env, "-f", "docker-compose.yml", "config")).get("services");
        Map<String, List<String>> published = new HashMap<>();
        services.fields().forEachRemaining(service -> {
            List<String> ports = new ArrayList<>();
            for (JsonNode port : service.getValue().path("ports")) {
                // docker-compose renders "host_ip:published:target/protocol"
                String[] parts = port.asText().split(":");
                assertEquals(3, parts.length, service.getKey() + ": " + port);
                assertEquals(address, parts[0], service.getKey() + ": " + port);
                ports.add(parts[1]);
            }
            if (!ports.isEmpty()) {
                published.put(service.getKey(), ports);
            }
        });
        return published;
    }

    /**
     * docker-compose with exactly {@code env}'s variables (and PATH), no {@code .env} file: returns stdout, fails
     * with stderr on a non-zero exit.
     */
    private static String compose(Map<String, String> env, String... args) throws IOException, InterruptedException {
        String compose = tool("docker-compose");
        RequiredTool.require(compose != null, "docker-compose", "docker-compose");
        return runWith(env, composeCommand(compose, args));
    }

    /** docker-compose's error when it refuses {@code env}. */
    private static String composeFailure(Map<String, String> env, String... args) throws IOException, InterruptedException {
        String compose = tool("docker-compose");
        RequiredTool.require(compose != null, "docker-compose", "docker-compose");
        Result r = execute(env, composeCommand(compose, args));
        assertNotEquals(0, r.exit(), "compose accepted " + env.keySet() + ": " + r.out());
        return r.err();
    }

    private static String[] composeCommand(String compose, String... args) throws IOException {
        Path noEnvFile = Files.createTempFile("compose", ".env");
        noEnvFile.toFile().deleteOnExit();
        List<String> cmd = new ArrayList<>(List.of(compose, "--env-file", noEnvFile.toString()));
        cmd.addAll(List.of(args));
        return cmd.toArray(String[]::new);
    }

    private static Set<String> names(JsonNode object) {
        Set<String> names = new TreeSet<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static String tool(String name) {
        try (Stream<String> dirs = Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))) {
            return dirs.map(d -> Path.of(d, name)).filter(Files::isExecutable).map(Path::toString).findFirst().orElse(null);
        }
    }

    /** Runs a tool in the repository root; returns stdout, fails with stderr on a non-zero exit. */
    private static String run(String... cmd) throws IOException, InterruptedException {
        return runWith(System.getenv(), cmd);
    }

    /** {@link #run} with exactly {@code env}'s variables, and PATH. */
    private static String runWith(Map<String, String> env, String... cmd) throws IOException, InterruptedException {
        Result r = execute(env, cmd);
        assertEquals(0, r.exit(), String.join(" ", cmd) + ": " + r.err());
        return r.out();
    }

    private record Result(int exit, String out, String err) {
    }

    private static Result execute(Map<String, String> env, String... cmd) throws IOException, InterruptedException {
        Path err = Files.createTempFile("tool", ".err");
        try {
            ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(List.of(cmd))).directory(ROOT.toFile())
                    .redirectError(err.toFile());
            pb.environment().clear();
            pb.environment().put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
            pb.environment().put("HOME", System.getProperty("user.home"));
            pb.environment().putAll(env);
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), String.join(" ", cmd) + " timed out");
            return new Result(p.exitValue(), out, Files.readString(err));
        } finally {
            Files.deleteIfExists(err);
        }
    }
}
