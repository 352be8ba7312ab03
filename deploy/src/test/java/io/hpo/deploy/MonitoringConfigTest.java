package io.hpo.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * deploy/prometheus and deploy/grafana: the scrape configuration passes promtool, and every Grafana query is valid
 * PromQL on the provisioned datasource. (That the queried series exist is checked against real scrapes in the
 * driver's end-to-end test.)
 */
class MonitoringConfigTest {
    private static final Path PROMETHEUS = Path.of("prometheus", "prometheus.yml");
    private static final Path DASHBOARD = Path.of("grafana", "dashboards", "hpo.json");
    private static final Path DATASOURCE = Path.of("grafana", "provisioning", "datasources", "prometheus.yml");

    @Test
    void theScrapeConfigurationPassesPromtool() {
        Promtool promtool = promtool();
        Promtool.Result result = promtool.checkConfig(PROMETHEUS);
        assertTrue(result.ok(), result.output());
    }

    @Test
    void everyDashboardQueryIsValidPromqlOnTheProvisionedDatasource(@TempDir Path dir) throws Exception {
        JsonNode dashboard = new ObjectMapper().readTree(DASHBOARD.toFile());
        String uid = Files.readAllLines(DATASOURCE).stream().map(String::trim).filter(l -> l.startsWith("uid:"))
                .map(l -> l.substring(4).trim()).findFirst().orElseThrow();
        List<String> exprs = new ArrayList<>();
        for (JsonNode panel : dashboard.get("panels")) {
            if (panel.get("type").asText().equals("row")) {
                continue;
            }
            assertEquals(uid, panel.get("datasource").get("uid").asText(), panel.get("title").asText());
            assertFalse(panel.get("targets").isEmpty(), panel.get("title").asText());
            panel.get("targets").forEach(t -> exprs.add(t.get("expr").asText()));
        }
        assertTrue(exprs.size() >= 15, "queries: " + exprs);

        // promtool checks PromQL inside rule files: each query becomes one recording rule
        StringBuilder rules = new StringBuilder("groups:\n  - name: dashboard\n    rules:\n");
        for (int i = 0; i < exprs.size(); i++) {
            rules.append("      - record: dashboard:query_").append(i).append("\n        expr: '")
                    .append(exprs.get(i).replace("'", "''")).append("'\n");
        }
        Path file = Files.writeString(dir.resolve("dashboard-rules.yml"), rules);
        Promtool.Result result = promtool().checkRules(file);
        assertTrue(result.ok(), result.output() + "\n" + rules);
    }

    private static Promtool promtool() {
        var found = Promtool.find();
        RequiredTool.require(found.isPresent(), "promtool", "prometheus");
        return found.get();
    }
}
