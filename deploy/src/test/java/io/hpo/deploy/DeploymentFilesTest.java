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
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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

    @Test
    void composeFileIsValidAndComplete() throws Exception {
        String compose = tool("docker-compose");
        RequiredTool.require(compose != null, "docker-compose", "docker-compose");
        assertEquals("", run(compose, "-f", "docker-compose.yml", "config", "-q"));
        assertEquals("", run(compose, "-f", "docker-compose.yml", "-f", "docker-compose.gpu.yml", "config", "-q"));

        JsonNode config = YAML.readTree(run(compose, "-f", "docker-compose.yml", "config"));
        JsonNode services = config.get("services");
        assertEquals(Set.of("spark-master", "spark-worker-1", "spark-worker-2", "kafka", "postgres", "aggregator",
                "prometheus", "grafana", "submit"), names(services));
        assertEquals("submit", services.path("submit").path("profiles").get(0).asText());
        assertEquals("hpo-submit", services.path("submit").path("entrypoint").get(0).asText());
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

        JsonNode gpu = YAML.readTree(run(compose, "-f", "docker-compose.yml", "-f", "docker-compose.gpu.yml", "config")).get("services");
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
        Path err = Files.createTempFile("tool", ".err");
        try {
            Process p = new ProcessBuilder(new ArrayList<>(List.of(cmd))).directory(ROOT.toFile())
                    .redirectError(err.toFile()).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), String.join(" ", cmd) + " timed out");
            assertEquals(0, p.exitValue(), String.join(" ", cmd) + ": " + Files.readString(err));
            return out;
        } finally {
            Files.deleteIfExists(err);
        }
    }
}
