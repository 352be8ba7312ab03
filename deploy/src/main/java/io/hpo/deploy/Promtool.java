package io.hpo.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Prometheus's own checker ({@code promtool}, Debian package {@code prometheus}) run on this project's scrape
 * configuration and on real scrapes of its {@code /metrics} endpoints. Found on the PATH.
 */
public final class Promtool {
    /** promtool's verdict: its exit code and what it printed. */
    public record Result(int exitCode, String output) {
        public boolean ok() {
            return exitCode == 0;
        }
    }

    private final Path binary;

    private Promtool(Path binary) {
        this.binary = binary;
    }

    /** The promtool on the PATH, if any. */
    public static Optional<Promtool> find() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, "promtool");
            if (Files.isExecutable(candidate)) {
                return Optional.of(new Promtool(candidate));
            }
        }
        return Optional.empty();
    }

    /** {@code promtool check config FILE}: syntax and semantics of a Prometheus configuration. */
    public Result checkConfig(Path config) {
        return run(List.of("check", "config", config.toString()), null);
    }

    /** {@code promtool check rules FILE}: rule files, including the PromQL of every expression. */
    public Result checkRules(Path rules) {
        return run(List.of("check", "rules", rules.toString()), null);
    }

    /** {@code promtool check metrics}: the exposition parses and follows Prometheus's naming conventions. */
    public Result checkMetrics(String exposition) {
        return run(List.of("check", "metrics"), exposition);
    }

    private Result run(List<String> args, String stdin) {
        List<String> command = new ArrayList<>();
        command.add(binary.toString());
        command.addAll(args);
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            if (stdin != null) {
                p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
            }
            p.getOutputStream().close();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("promtool " + args + " did not finish within 60 s");
            }
            return new Result(p.exitValue(), output);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + binary + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running promtool", e);
        }
    }
}
