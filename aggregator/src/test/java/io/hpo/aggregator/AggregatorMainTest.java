package io.hpo.aggregator;

import io.hpo.aggregator.cli.ResultsCli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AggregatorMainTest {

    /** Refused before anything starts: no database or broker is needed to get the one line. */
    @Test
    void serveRefusesAnApiBeyondLoopbackWithoutAToken(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("aggregator.properties");
        Files.writeString(config, "hpo.aggregator.http.host=0.0.0.0\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = AggregatorMain.run(new String[] {"--config", config.toString(), "serve"},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        String message = err.toString(StandardCharsets.UTF_8);
        assertEquals(ResultsCli.USAGE, exit, message);
        assertEquals(1, message.lines().count(), message);
        assertTrue(message.startsWith("hpo.aggregator.http.host=0.0.0.0 is not a loopback address: set"
                + " hpo.aggregator.api.token"), message);
        assertEquals("", out.toString(StandardCharsets.UTF_8));
    }
}
