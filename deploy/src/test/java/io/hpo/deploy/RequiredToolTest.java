package io.hpo.deploy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.TestAbortedException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RequiredToolTest {
    @Test
    void aMissingProgramFailsTheTestUnderCi(@TempDir Path dir) {
        Path record = dir.resolve("skipped");
        AssertionError failure = assertThrows(AssertionError.class, () -> RequiredTool.require(false, "promtool",
                "prometheus", Map.of("CI", "true", "HPO_SKIPPED_TOOLS", record.toString())));
        assertEquals("CI=true: promtool is not installed (Debian package prometheus; .ci/run installs it)",
                failure.getMessage());
        assertFalse(Files.exists(record), "a failure is no skip");
    }

    @Test
    void elsewhereItSkipsTheTestAndRecordsTheSkip(@TempDir Path dir) throws Exception {
        Path record = dir.resolve("skipped");
        for (int i = 0; i < 2; i++) {
            TestAbortedException skip = assertThrows(TestAbortedException.class, () -> RequiredTool.require(false,
                    "chromium", "chromium", Map.of("HPO_SKIPPED_TOOLS", record.toString())));
            assertTrue(skip.getMessage().contains("SKIPPED: chromium is not installed (Debian package chromium"),
                    skip.getMessage());
        }
        List<String> lines = Files.readAllLines(record);
        assertEquals(2, lines.size(), lines.toString());
        for (String line : lines) {
            assertTrue(line.startsWith("chromium\tchromium\t" + getClass().getName() + "."), line);
        }
        // without ./hpo test's file, only the skip
        assertThrows(TestAbortedException.class, () -> RequiredTool.require(false, "chromium", "chromium", Map.of()));
    }

    @Test
    void aPresentProgramChangesNothing() {
        RequiredTool.require(true, "promtool", "prometheus", Map.of("CI", "true"));
    }
}
