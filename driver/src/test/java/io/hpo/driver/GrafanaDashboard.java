package io.hpo.driver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads a provisioned Grafana dashboard: which metric names its PromQL queries and variables use. */
final class GrafanaDashboard {
    private static final Pattern METRIC = Pattern.compile("\\b((?:hpo|jvm|process|system)_[a-z0-9_]+)\\b");

    private GrafanaDashboard() {
    }

    static Set<String> metricNames(Path dashboard) throws IOException {
        Set<String> names = new TreeSet<>();
        collect(new ObjectMapper().readTree(dashboard.toFile()), names);
        return names;
    }

    private static void collect(JsonNode node, Set<String> names) {
        node.fields().forEachRemaining(f -> {
            if ((f.getKey().equals("expr") || f.getKey().equals("query")) && f.getValue().isTextual()) {
                Matcher m = METRIC.matcher(f.getValue().asText());
                while (m.find()) {
                    names.add(m.group(1));
                }
            }
        });
        node.elements().forEachRemaining(child -> collect(child, names));
    }
}
