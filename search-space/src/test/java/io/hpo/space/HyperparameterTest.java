package io.hpo.space;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The definitions, and the documents that must follow them. */
class HyperparameterTest {

    @Test
    void everyDefaultIsLegalAndEveryNameSnakeCase() {
        for (Hyperparameter<?> p : Hyperparameter.ALL) {
            assertTrue(p.name().matches("[a-z][a-z0-9_]*"), p.name());
            assertEquals(Optional.empty(), p.problem(p.defaultMapValue()), p.name());
            assertEquals(p, Hyperparameter.forName(p.name()));
        }
        assertEquals(Hyperparameter.ALL.size(), Hyperparameter.NAMES.stream().distinct().count());
    }

    @Test
    void specLimitsAreTighterThanTheBoundsAConfigurationMustMeet() {
        // a spec may not ask for learning_rate 100, a configuration built in code may (divergence tests do)
        assertEquals("learning_rate must be <= 10, got 100.0",
                Hyperparameter.LEARNING_RATE.problem(100.0).orElseThrow());
        assertEquals(100.0, Hyperparameters.builder().set(Hyperparameter.LEARNING_RATE, 100.0).build().learningRate());
        IllegalArgumentException zero = assertThrows(IllegalArgumentException.class,
                () -> Hyperparameters.builder().set(Hyperparameter.LEARNING_RATE, 0.0).build());
        assertEquals("learning_rate must be > 0, got 0.0", zero.getMessage());
        assertEquals("dropout must be in [0, 1), got 1.0", Hyperparameter.DROPOUT.problem(1.0).orElseThrow());
    }

    @Test
    void relationsAreCheckedOnTheWholeConfigurationSoTheyMayChangeInAnyOrder() {
        Hyperparameters hp = Hyperparameters.builder().set(Hyperparameter.WIDTH, 96).set(Hyperparameter.HEADS, 3)
                .build();
        assertEquals(96, hp.width());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> hp.with(Hyperparameter.HEADS, 5));
        assertEquals("width must be divisible by heads (5), got 96", e.getMessage());
    }

    @Test
    void aRecordedConfigurationMayLackOnlyHyperparametersAddedLater() {
        Map<String, Object> recorded = new HashMap<>(Hyperparameters.defaults().toMap());
        for (Hyperparameter<?> p : Hyperparameter.ALL) {
            if (p.isAddedLater()) {
                recorded.remove(p.name());
            }
        }
        assertEquals(Hyperparameters.defaults(), Hyperparameters.fromMap(recorded));
        recorded.remove(Hyperparameter.WIDTH.name());
        assertEquals("missing hyperparameter 'width'",
                assertThrows(IllegalArgumentException.class, () -> Hyperparameters.fromMap(recorded)).getMessage());
    }

    /** examples/full.yaml documents every hyperparameter with its definition's summary, in definition order. */
    @Test
    void fullExampleDocumentsEveryHyperparameterWithItsSummary() throws IOException {
        List<String> lines = Files.readAllLines(Path.of("..", "examples", "full.yaml"));
        List<String> documented = new ArrayList<>();
        int space = lines.indexOf("space:");
        for (int i = space + 1; i < lines.size() && (lines.get(i).isEmpty() || lines.get(i).startsWith(" ")); i++) {
            String line = lines.get(i);
            if (line.startsWith("  ") && !line.trim().startsWith("#") && line.contains(":")) {
                String name = line.trim().substring(0, line.trim().indexOf(':'));
                documented.add(name);
                assertTrue(commentAbove(lines, i).startsWith(Hyperparameter.forName(name).summary()),
                        "examples/full.yaml: the comment above " + name + " must start with: "
                                + Hyperparameter.forName(name).summary());
            }
        }
        assertEquals(Hyperparameter.NAMES, documented);
    }

    /**
     * docs/spec.md's hyperparameter table is the definitions'; run with {@code -Dhpo.docs.write=true} to rewrite it
     * after changing a definition.
     */
    @Test
    void specReferenceTableFollowsTheDefinitions() throws IOException {
        Path doc = Path.of("..", "docs", "spec.md");
        String text = Files.readString(doc);
        int begin = text.indexOf(TABLE_BEGIN);
        int end = text.indexOf(TABLE_END);
        assertTrue(begin >= 0 && end > begin, "docs/spec.md must hold " + TABLE_BEGIN + " ... " + TABLE_END);
        String expected = text.substring(0, begin + TABLE_BEGIN.length()) + "\n" + referenceTable()
                + text.substring(end);
        if (Boolean.getBoolean("hpo.docs.write")) {
            Files.writeString(doc, expected);
            text = expected;
        }
        assertEquals(expected, text, "docs/spec.md's hyperparameter table is out of date: run this test with"
                + " -Dhpo.docs.write=true");
    }

    private static final String TABLE_BEGIN = "<!-- hyperparameters:begin -->";
    private static final String TABLE_END = "<!-- hyperparameters:end -->";

    private static String referenceTable() {
        StringBuilder table = new StringBuilder("| name | kind | default | values | meaning |\n")
                .append("|---|---|---|---|---|\n");
        for (Hyperparameter<?> p : Hyperparameter.ALL) {
            String values = p.kind() == Hyperparameter.Kind.NAME
                    ? String.join(", ", p.names().stream().map(n -> "`" + n + "`").toList())
                    : p.range().toString();
            String role = p.role() == Hyperparameter.Role.ARCHITECTURE
                    ? "; a fine-tuning search takes it from its checkpoint" : "";
            table.append("| `").append(p.name()).append("` | ").append(p.kind().name().toLowerCase(Locale.ROOT))
                    .append(" | `").append(p.defaultMapValue()).append("` | ").append(values).append(" | ")
                    .append(p.doc()).append(role).append(" |\n");
        }
        return table.toString();
    }

    /** The comment lines right above line {@code i}, joined. */
    private static String commentAbove(List<String> lines, int i) {
        int first = i;
        while (first > 0 && lines.get(first - 1).trim().startsWith("#")) {
            first--;
        }
        StringBuilder text = new StringBuilder();
        for (int j = first; j < i; j++) {
            text.append(text.isEmpty() ? "" : " ").append(lines.get(j).trim().substring(1).trim());
        }
        return text.toString();
    }
}
