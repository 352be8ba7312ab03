package io.hpo.driver;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A broken spec or bad arguments end the driver with exit code 2 before Spark starts. */
class SearchDriverMainTest {

    @Test
    void aBrokenSpecFailsFastNamingFileLineAndReason(@TempDir Path dir) throws Exception {
        Path spec = dir.resolve("broken.yaml");
        Files.writeString(spec, "name: x\nbudget:\n  max_trails: 3\n");
        String err = stderrOf(() -> assertEquals(2, SearchDriverMain.run(new String[]{spec.toString()})));
        assertTrue(err.contains(spec + ":3:"), err);
        assertTrue(err.contains("max_trials"), err);
    }

    @Test
    void badArgumentsPrintUsage() throws Exception {
        String err = stderrOf(() -> assertEquals(2, SearchDriverMain.run(new String[0])));
        assertTrue(err.contains("usage"), err);
    }

    @Test
    void anInvalidSearchIdIsRefused(@TempDir Path dir) throws Exception {
        Path spec = dir.resolve("ok.yaml");
        Files.writeString(spec, "name: ok\n");
        String err = stderrOf(() -> assertEquals(2,
                SearchDriverMain.run(new String[]{spec.toString(), "--search-id", "../etc"})));
        assertTrue(err.contains("search id"), err);
    }

    private static String stderrOf(Runnable r) {
        PrintStream old = System.err;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setErr(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            r.run();
        } finally {
            System.setErr(old);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }
}
