package io.hpo.deploy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import org.junit.jupiter.api.Test;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Helm charts under helm/: `helm lint --strict` and `helm template` through helm-java (helm's own code,
 * in-process), then every rendered document read into a schema. Kubernetes' built-in kinds go into fabric8's
 * model classes, which are generated from the Kubernetes OpenAPI schema; a field they do not know lands in
 * their additionalProperties, so any non-empty additionalProperties anywhere is an error (a strict read).
 * The two custom resources (ServiceMonitor, SparkApplication v1beta2) have no fabric8 model on Maven Central
 * for 8.0.0, so the records below carry the fields of their CRDs that the charts use, read with unknown fields failing.
 */
class HelmChartsTest {
    private static final Path CHARTS = repositoryRoot().resolve("helm");
    private static final String DNS_LABEL = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
    private static final Map<String, Class<?>> KINDS = Map.of(
            "v1/ConfigMap", ConfigMap.class,
            "v1/Service", Service.class,
            "v1/Secret", Secret.class,
            "v1/ServiceAccount", ServiceAccount.class,
            "apps/v1/Deployment", Deployment.class,
            "batch/v1/Job", Job.class,
            "rbac.authorization.k8s.io/v1/Role", Role.class,
            "rbac.authorization.k8s.io/v1/RoleBinding", RoleBinding.class,
            "monitoring.coreos.com/v1/ServiceMonitor", ServiceMonitor.class,
            "sparkoperator.k8s.io/v1beta2/SparkApplication", SparkApplication.class);

    @Test
    void chartsPassStrictLint() {
        for (String chart : List.of("hpo-aggregator", "hpo-search")) {
            LintResult lint = new Helm(CHARTS.resolve(chart)).lint().strict().call();
            assertFalse(lint.isFailed(), chart + ": " + lint.getMessages());
        }
    }

    @Test
    void aggregatorChartRendersValidManifestsForExternalKafkaAndPostgres() throws Exception {
        List<Object> docs = render("hpo-aggregator", t -> t
                .set("kafka.bootstrapServers", "kafka.data.svc:9093")
                .set("kafka.client.security\\.protocol", "SSL")
                .set("kafka.existingSecret", "kafka-client")
                .set("postgres.jdbcUrl", "jdbc:postgresql://pg.data.svc:5432/hpo")
                .set("postgres.existingSecret", "pg-credentials")
                .set("api.tokenSecret", "hpo-api")
                .set("api.allowedHosts[0]", "results.example.org")
                .set("serviceMonitor.enabled", "true"));
        assertEquals(List.of("ConfigMap", "Deployment", "Service", "ServiceMonitor"), kinds(docs));

        String props = only(docs, ConfigMap.class).getData().get("aggregator.properties");
        assertTrue(props.contains("hpo.store.jdbc.url=jdbc:postgresql://pg.data.svc:5432/hpo"), props);
        assertTrue(props.contains("hpo.kafka.bootstrap.servers=kafka.data.svc:9093"), props);
        assertTrue(props.contains("hpo.kafka.client.security.protocol=SSL"), props);
        assertTrue(props.contains("hpo.store.password.file=/var/run/secrets/hpo/postgres/password"), props);
        assertFalse(props.contains("hpo.store.password="), "the password never sits in the ConfigMap");
        assertTrue(props.contains("hpo.aggregator.api.token.file=/var/run/secrets/hpo/api/token"), props);
        assertFalse(props.contains("hpo.aggregator.api.token="), "the API token never sits in the ConfigMap");
        assertTrue(props.contains("hpo.topic.control=hpo.control") && props.contains("hpo.topic.dead.letter="), props);
        // the aggregator's defaults (AggregatorConfig), so a chart user sees and can change them
        for (String setting : List.of("hpo.aggregator.record.attempts=3\n", "hpo.aggregator.kafka.down.after.ms=60000\n",
                "hpo.aggregator.api.live.clients=64\n", "hpo.aggregator.http.idle.timeout.ms=30000\n")) {
            assertTrue(props.contains(setting), setting.strip() + " in " + props);
        }
        assertTrue(props.contains("hpo.aggregator.api.allowed.hosts=hpo-hpo-aggregator,hpo-hpo-aggregator.search,"
                + "hpo-hpo-aggregator.search.svc,results.example.org\n"), "the Service's names and the given one: " + props);

        Deployment deployment = only(docs, Deployment.class);
        PodSpec pod = deployment.getSpec().getTemplate().getSpec();
        assertContains(deployment.getSpec().getTemplate().getMetadata().getLabels(), deployment.getSpec().getSelector().getMatchLabels());
        assertEquals("pg-credentials", secretOf(pod, "postgres-password"));
        assertEquals("hpo-api", secretOf(pod, "api-token"));
        Container c = pod.getContainers().get(0);
        assertEquals("/health", c.getReadinessProbe().getHttpGet().getPath());
        assertEquals("kafka-client", c.getEnvFrom().get(0).getSecretRef().getName());
        assertEquals(List.of("--config", "/etc/hpo/aggregator.properties", "serve"), c.getArgs());

        Service service = only(docs, Service.class);
        assertEquals(deployment.getSpec().getSelector().getMatchLabels(), service.getSpec().getSelector());
        ServiceMonitor monitor = only(docs, ServiceMonitor.class);
        assertContains(service.getMetadata().getLabels(), monitor.spec().selector().getMatchLabels());
        assertEquals("http", monitor.spec().endpoints().get(0).port());
    }

    @Test
    void searchChartAsAJobRunsSparkSubmitAgainstKubernetes() throws Exception {
        List<Object> docs = render("hpo-search", t -> t.set("mode", "job").set("searchId", "lr-sweep-1")
                .set("kafka.bootstrapServers", "kafka.data.svc:9092"));
        assertEquals(List.of("ConfigMap", "Job", "Role", "RoleBinding", "Secret", "ServiceAccount"), kinds(docs));
        assertTrue(only(docs, ConfigMap.class).getData().get("search.yaml").startsWith("name: demo\n"));

        Job job = only(docs, Job.class);
        PodSpec pod = job.getSpec().getTemplate().getSpec();
        assertEquals("Never", pod.getRestartPolicy());
        assertEquals(only(docs, ServiceAccount.class).getMetadata().getName(), pod.getServiceAccountName());
        Container submit = pod.getContainers().get(0);
        assertEquals(List.of("hpo-submit"), submit.getCommand());
        List<String> args = submit.getArgs();
        assertEquals(List.of("--", "/etc/hpo/spec/search.yaml", "--search-id", "lr-sweep-1"), args.subList(args.size() - 4, args.size()));
        assertTrue(args.contains("spark.hpo.kafka.bootstrap.servers=kafka.data.svc:9092"), args::toString);
        assertTrue(args.contains("spark.hpo.driver.aggregator.url=http://hpo-aggregator:8088"), args::toString);
        assertTrue(args.contains("spark.kubernetes.container.image=hpo-driver:0.1.0"), args::toString);
        assertEquals("k8s://https://kubernetes.default.svc", env(submit, "HPO_SPARK_MASTER").getValue());
        assertEquals("status.podIP", env(submit, "HPO_DRIVER_HOST").getValueFrom().getFieldRef().getFieldPath());
        assertEquals("rbac.authorization.k8s.io", only(docs, RoleBinding.class).getRoleRef().getApiGroup());
    }

    @Test
    void searchChartAsASparkApplicationForTheOperator() throws Exception {
        List<Object> docs = render("hpo-search", t -> t.set("mode", "sparkApplication")
                .set("spark.executor.instances", "4").set("spark.conf.spark\\.task\\.maxFailures", "2"));
        assertEquals(List.of("ConfigMap", "Role", "RoleBinding", "Secret", "ServiceAccount", "SparkApplication"), kinds(docs));

        SparkApplication app = only(docs, SparkApplication.class);
        SparkApplication.Spec spec = app.spec();
        assertEquals("Java", spec.type());
        assertEquals("cluster", spec.mode());
        assertEquals("local:///opt/hpo/hpo-driver.jar", spec.mainApplicationFile());
        assertEquals(List.of("/etc/hpo/spec/search.yaml", "--search-id", "hpo"), spec.arguments());
        assertEquals(4, spec.executor().instances());
        assertEquals("2", spec.sparkConf().get("spark.task.maxFailures"));
        assertEquals(only(docs, ServiceAccount.class).getMetadata().getName(), spec.driver().serviceAccount());
        // the chart spells out the JVM flags the build writes to driver/target/spark-jvm.flags: they must not drift
        String flags = String.join(" ", LocalSparkCluster.sparkJvmFlags());
        assertEquals(flags, spec.driver().javaOptions());
        assertEquals(flags, spec.executor().javaOptions());
        assertEquals(spec.volumes().get(0).getName(), spec.driver().volumeMounts().get(0).getName());
    }

    /** GPU values become the Spark settings the driver checks (GpuScheduling), the same in both modes. */
    @Test
    void searchChartAsksForGpuExecutorsInBothModes() throws Exception {
        Map<String, String> gpu = Map.of("spark.hpo.worker.gpus", "1", "spark.executor.resource.gpu.amount", "1",
                "spark.executor.resource.gpu.vendor", "nvidia.com",
                "spark.executor.resource.gpu.discoveryScript", "/opt/hpo/discover-gpus.sh");
        List<String> args = only(render("hpo-search", t -> t.set("gpu.workerGpus", "1")), Job.class)
                .getSpec().getTemplate().getSpec().getContainers().get(0).getArgs();
        gpu.forEach((k, v) -> assertTrue(args.contains(k + "=" + v), args::toString));
        assertContains(only(render("hpo-search", t -> t.set("mode", "sparkApplication").set("gpu.workerGpus", "1")),
                SparkApplication.class).spec().sparkConf(), gpu);
        List<String> cpu = only(render("hpo-search", t -> t), Job.class)
                .getSpec().getTemplate().getSpec().getContainers().get(0).getArgs();
        assertTrue(cpu.stream().noneMatch(a -> a.contains(".gpu")), "no GPU settings by default: " + cpu);
    }

    /**
     * spark.authenticate with a secret file from a Kubernetes Secret, random when none is named, mounted into the
     * Job's driver and (by Spark) every executor; the secret itself appears nowhere but in the Secret.
     */
    @Test
    void searchChartAuthenticatesSparkRpcWithASecretFile() throws Exception {
        String dir = "/var/run/secrets/hpo/spark-auth";
        Map<String, String> conf = Map.of("spark.authenticate", "true", "spark.authenticate.secret.file", dir + "/secret",
                "spark.kubernetes.driver.secrets.hpo-hpo-search-spark-auth", dir,
                "spark.kubernetes.executor.secrets.hpo-hpo-search-spark-auth", dir);
        String rendered = new Helm(CHARTS.resolve("hpo-search")).template().withName("hpo").withNamespace("search").call();
        List<Object> docs = render("hpo-search", t -> t);
        Secret secret = only(docs, Secret.class);
        assertEquals("hpo-hpo-search-spark-auth", secret.getMetadata().getName());
        String value = new String(Base64.getDecoder().decode(secret.getData().get("secret")), StandardCharsets.UTF_8);
        assertTrue(value.matches("[A-Za-z0-9]{48}"), value);
        assertFalse(rendered.contains(value), "the secret is only in the Secret, base64-encoded");
        Container submit = only(docs, Job.class).getSpec().getTemplate().getSpec().getContainers().get(0);
        conf.forEach((k, v) -> assertTrue(submit.getArgs().contains(k + "=" + v), submit.getArgs()::toString));
        PodSpec pod = only(docs, Job.class).getSpec().getTemplate().getSpec();
        assertEquals("hpo-hpo-search-spark-auth", secretOf(pod, "spark-auth"));
        assertTrue(submit.getVolumeMounts().stream().anyMatch(m -> m.getName().equals("spark-auth") && m.getMountPath().equals(dir)));

        assertContains(only(render("hpo-search", t -> t.set("mode", "sparkApplication")), SparkApplication.class)
                .spec().sparkConf(), conf);

        List<Object> own = render("hpo-search", t -> t.set("spark.authenticate.existingSecret", "my-spark-secret"));
        assertTrue(own.stream().noneMatch(Secret.class::isInstance), "no Secret made when one is named");
        List<String> args = only(own, Job.class).getSpec().getTemplate().getSpec().getContainers().get(0).getArgs();
        assertTrue(args.contains("spark.kubernetes.executor.secrets.my-spark-secret=" + dir), args::toString);
        assertEquals("my-spark-secret", secretOf(only(own, Job.class).getSpec().getTemplate().getSpec(), "spark-auth"));
    }

    /** SASL's JAAS line and other secret Kafka settings come from a mounted Secret's files, never the Spark conf. */
    @Test
    void kafkaClientSecretsComeFromASecretNeverFromSettings() throws Exception {
        String dir = "/var/run/secrets/hpo/kafka";
        List<Object> docs = render("hpo-search", t -> t.set("kafka.client.security\\.protocol", "SASL_SSL")
                .set("kafka.existingSecret", "kafka-sasl"));
        PodSpec pod = only(docs, Job.class).getSpec().getTemplate().getSpec();
        List<String> args = pod.getContainers().get(0).getArgs();
        for (String setting : List.of("spark.hpo.kafka.client.security.protocol=SASL_SSL",
                "spark.hpo.kafka.client.file.sasl.jaas.config=" + dir + "/sasl.jaas.config",
                "spark.kubernetes.driver.secrets.kafka-sasl=" + dir, "spark.kubernetes.executor.secrets.kafka-sasl=" + dir)) {
            assertTrue(args.contains(setting), setting + " in " + args);
        }
        assertEquals("kafka-sasl", secretOf(pod, "kafka-client"));
        assertTrue(pod.getContainers().get(0).getVolumeMounts().stream()
                .anyMatch(m -> m.getName().equals("kafka-client") && m.getMountPath().equals(dir)));
        assertContains(only(render("hpo-search", t -> t.set("mode", "sparkApplication").set("kafka.existingSecret", "kafka-sasl")),
                SparkApplication.class).spec().sparkConf(), Map.of("spark.hpo.kafka.client.file.sasl.jaas.config", dir + "/sasl.jaas.config",
                "spark.kubernetes.executor.secrets.kafka-sasl", dir));

        for (String key : List.of("sasl\\.jaas\\.config", "ssl\\.keystore\\.password")) {
            for (String chart : List.of("hpo-search", "hpo-aggregator")) {
                Exception e = assertThrows(Exception.class, () -> render(chart, t -> t.set("kafka.client." + key, "x")));
                assertTrue(e.getMessage().contains("is a secret: put it in the Secret named by kafka.existingSecret"),
                        chart + ": " + e.getMessage());
            }
        }
    }

    /** The webhook's HMAC key comes from a mounted Secret's file, in the driver only, never from a setting. */
    @Test
    void theNotifySecretComesFromASecretMountedIntoTheDriver() throws Exception {
        String dir = "/var/run/secrets/hpo/notify";
        List<Object> docs = render("hpo-search", t -> t.set("notify.existingSecret", "webhook-hmac")
                .set("notify.dashboardUrl", "https://hpo.example.com/"));
        PodSpec pod = only(docs, Job.class).getSpec().getTemplate().getSpec();
        List<String> args = pod.getContainers().get(0).getArgs();
        for (String setting : List.of("spark.hpo.driver.notify.secret.file=" + dir + "/secret",
                "spark.hpo.driver.notify.dashboard.url=https://hpo.example.com/")) {
            assertTrue(args.contains(setting), setting + " in " + args);
        }
        assertTrue(args.stream().noneMatch(a -> a.contains("executor.secrets.webhook-hmac")), "executors need no key");
        assertEquals("webhook-hmac", secretOf(pod, "notify"));
        assertTrue(pod.getContainers().get(0).getVolumeMounts().stream()
                .anyMatch(m -> m.getName().equals("notify") && m.getMountPath().equals(dir)));
        assertContains(only(render("hpo-search", t -> t.set("mode", "sparkApplication")
                        .set("notify.existingSecret", "webhook-hmac")), SparkApplication.class).spec().sparkConf(),
                Map.of("spark.hpo.driver.notify.secret.file", dir + "/secret",
                        "spark.kubernetes.driver.secrets.webhook-hmac", dir));

        List<String> plain = only(render("hpo-search", t -> t), Job.class).getSpec().getTemplate().getSpec()
                .getContainers().get(0).getArgs();
        assertTrue(plain.stream().noneMatch(a -> a.contains("notify")), plain::toString);
    }

    /** The aggregator's API listens beyond loopback in its pod: no token Secret, no chart. */
    @Test
    void aggregatorChartRequiresTheApiToken() throws Exception {
        Exception e = assertThrows(Exception.class, () -> render("hpo-aggregator", t -> t.set("api.tokenSecret", "")));
        assertTrue(e.getMessage().contains("api.tokenSecret is required"), e.getMessage());
        List<Object> docs = render("hpo-aggregator", t -> t);
        assertEquals("hpo-api", secretOf(only(docs, Deployment.class).getSpec().getTemplate().getSpec(), "api-token"));
        assertTrue(only(docs, ConfigMap.class).getData().get("aggregator.properties")
                .contains("hpo.aggregator.api.token.file=/var/run/secrets/hpo/api/token"));
    }

    @Test
    void searchChartRejectsAnUnknownMode() {
        Exception e = assertThrows(Exception.class, () -> render("hpo-search", t -> t.set("mode", "yarn")));
        assertTrue(e.getMessage().contains("mode must be job or sparkApplication"), e.getMessage());
    }

    @Test
    void theStrictReadCatchesFieldsOutsideTheSchema() throws Exception {
        Deployment d = YAML.readValue("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: x}
                spec:
                  replicaz: 2
                  template:
                    spec:
                      containers: [{name: c, image: i, imagePullPolicy: Always, livenessProbe: {httpGet: {path: /, port: 80}, periodSecond: 5}}]
                """, Deployment.class);
        List<String> unknown = new ArrayList<>();
        findUnknownFields(d, "Deployment", unknown);
        assertEquals(2, unknown.size(), unknown::toString);
        assertTrue(unknown.get(0).contains("replicaz") || unknown.get(1).contains("replicaz"), unknown::toString);
        assertThrows(Exception.class, () -> YAML.readValue("apiVersion: apps/v1\nkind: Deployment\nspec: {replicas: many}\n", Deployment.class));
    }

    private static List<Object> render(String chart, UnaryOperator<TemplateCommand> values) throws Exception {
        String out = values.apply(new Helm(CHARTS.resolve(chart)).template().withName("hpo").withNamespace("search")).call();
        List<Object> docs = new ArrayList<>();
        for (JsonNode node : YAML.readValues(YAML.createParser(out), JsonNode.class).readAll()) {
            if (node == null || node.isNull() || node.isEmpty()) {
                continue;
            }
            String type = node.path("apiVersion").asText() + "/" + node.path("kind").asText();
            Class<?> kind = KINDS.get(type);
            assertNotNull(kind, "unexpected kind " + type + " in " + chart);
            Object doc = YAML.treeToValue(node, kind);
            List<String> unknown = new ArrayList<>();
            findUnknownFields(doc, type, unknown);
            assertEquals(List.of(), unknown, "fields outside the Kubernetes schema in " + chart);
            ObjectMeta meta = doc instanceof HasMetadata h ? h.getMetadata() : YAML.treeToValue(node.get("metadata"), ObjectMeta.class);
            assertTrue(meta.getName().matches(DNS_LABEL) && meta.getName().length() <= 63, type + " name " + meta.getName());
            if (doc instanceof HasMetadata h) {
                podSpec(h).ifPresent(HelmChartsTest::checkPod);
            }
            docs.add(doc);
        }
        return docs;
    }

    /** Walks the model: any fabric8 object with additionalProperties carried a field its schema does not have. */
    private static void findUnknownFields(Object o, String path, List<String> unknown) {
        if (o == null || o instanceof String || o instanceof Number || o instanceof Boolean || o instanceof Enum<?>) {
            return;
        }
        if (o instanceof Collection<?> c) {
            int i = 0;
            for (Object e : c) {
                findUnknownFields(e, path + "[" + i++ + "]", unknown);
            }
            return;
        }
        if (o instanceof Map<?, ?> m) {
            m.forEach((k, v) -> findUnknownFields(v, path + "." + k, unknown));
            return;
        }
        try {
            if (o.getClass().isRecord()) {
                for (RecordComponent rc : o.getClass().getRecordComponents()) {
                    findUnknownFields(rc.getAccessor().invoke(o), path + "." + rc.getName(), unknown);
                }
                return;
            }
            if (!o.getClass().getName().startsWith("io.fabric8.")) {
                return;
            }
            for (Method m : o.getClass().getMethods()) {
                if (m.getParameterCount() != 0 || Modifier.isStatic(m.getModifiers()) || !m.getName().startsWith("get")
                        || m.getDeclaringClass() == Object.class) {
                    continue;
                }
                Object value = m.invoke(o);
                if (m.getName().equals("getAdditionalProperties")) {
                    if (value instanceof Map<?, ?> extra && !extra.isEmpty()) {
                        unknown.add(path + ": " + extra.keySet());
                    }
                } else {
                    findUnknownFields(value, path + "." + m.getName().substring(3), unknown);
                }
            }
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException("cannot read " + path, e);
        }
    }

    private static java.util.Optional<PodSpec> podSpec(HasMetadata doc) {
        if (doc instanceof Deployment d) {
            return java.util.Optional.of(d.getSpec().getTemplate().getSpec());
        }
        if (doc instanceof Job j) {
            return java.util.Optional.of(j.getSpec().getTemplate().getSpec());
        }
        return java.util.Optional.empty();
    }

    /** Fields the schema marks required, which a lenient read would let through as null. */
    private static void checkPod(PodSpec pod) {
        assertFalse(pod.getContainers().isEmpty());
        for (Container c : pod.getContainers()) {
            assertNotNull(c.getName());
            assertNotNull(c.getImage(), c.getName());
            for (VolumeMount m : c.getVolumeMounts()) {
                assertTrue(pod.getVolumes().stream().anyMatch(v -> v.getName().equals(m.getName())), m.getName() + " has no volume");
            }
        }
    }

    private static String secretOf(PodSpec pod, String volume) {
        return pod.getVolumes().stream().filter(v -> v.getName().equals(volume) && v.getSecret() != null).findFirst()
                .orElseThrow(() -> new AssertionError("no secret volume " + volume)).getSecret().getSecretName();
    }

    private static EnvVar env(Container c, String name) {
        return c.getEnv().stream().filter(e -> e.getName().equals(name)).findFirst().orElseThrow(() -> new AssertionError("no " + name));
    }

    private static void assertContains(Map<String, String> all, Map<String, String> wanted) {
        assertFalse(wanted.isEmpty());
        assertTrue(all.entrySet().containsAll(wanted.entrySet()), all + " should contain " + wanted);
    }

    private static List<String> kinds(List<Object> docs) {
        // helm orders documents by kind, not by template: compare as a sorted list
        return docs.stream().map(d -> d instanceof HasMetadata h ? h.getKind() : d.getClass().getSimpleName()).sorted().toList();
    }

    private static <T> T only(List<Object> docs, Class<T> kind) {
        List<T> found = docs.stream().filter(kind::isInstance).map(kind::cast).toList();
        assertEquals(1, found.size(), kind.getSimpleName());
        return found.get(0);
    }

    static Path repositoryRoot() {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            if (Files.isDirectory(d.resolve("helm")) && Files.exists(d.resolve("docker-compose.yml"))) {
                return d;
            }
        }
        throw new IllegalStateException("repository root not found from " + Path.of("").toAbsolutePath());
    }

    /** monitoring.coreos.com/v1 ServiceMonitor: the fields of the Prometheus Operator's CRD that the chart uses. */
    record ServiceMonitor(String apiVersion, String kind, ObjectMeta metadata, Spec spec) {
        record Spec(LabelSelector selector, List<Endpoint> endpoints) {
            Spec {
                assertNotNull(selector, "spec.selector is required");
                assertNotNull(endpoints, "spec.endpoints");
            }
        }

        record Endpoint(String port, String path, String interval) {
        }
    }

    /** sparkoperator.k8s.io/v1beta2 SparkApplication: the fields of the Spark operator's CRD that the chart uses. */
    record SparkApplication(String apiVersion, String kind, ObjectMeta metadata, Spec spec) {
        record Spec(String type, String mode, String image, String imagePullPolicy, List<String> imagePullSecrets,
                    String mainClass, String mainApplicationFile, List<String> arguments, String sparkVersion,
                    RestartPolicy restartPolicy, Map<String, String> sparkConf, List<Volume> volumes,
                    Pod driver, Pod executor) {
            Spec {
                // required by the CRD's schema
                assertTrue(List.of("Java", "Scala", "Python", "R").contains(type), "spec.type " + type);
                assertNotNull(sparkVersion, "spec.sparkVersion");
                assertNotNull(driver, "spec.driver");
                assertNotNull(executor, "spec.executor");
                assertTrue(mode == null || List.of("cluster", "client").contains(mode), "spec.mode " + mode);
            }
        }

        record RestartPolicy(String type) {
            RestartPolicy {
                assertTrue(List.of("Never", "Always", "OnFailure").contains(type), "restartPolicy.type " + type);
            }
        }

        /** driver and executor share these fields in the CRD (executor alone has instances, driver alone serviceAccount). */
        record Pod(Integer cores, String memory, Integer instances, String serviceAccount, String javaOptions,
                   Map<String, String> labels, List<VolumeMount> volumeMounts, List<EnvVar> env) {
        }
    }
}
