package io.hpo.driver.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Where a machine's CPU went over a run, by role: this JVM, the Kafka broker, the aggregator, PostgreSQL and the
 * rest, from each process's user and system time in {@code /proc} (Linux only; elsewhere it says so). Processes that
 * ended during the run are missing from the second reading and not counted.
 */
final class ProcessCpu {
    /** USER_HZ: the unit of /proc's times, 100 on every Linux architecture the JVM runs on. */
    private static final double TICKS_PER_SECOND = 100;
    private static final long SELF = ProcessHandle.current().pid();

    private final Map<Long, Long> ticks;
    private final Map<Long, String> roles;
    private final long startNanos = System.nanoTime();

    private ProcessCpu(Map<Long, Long> ticks, Map<Long, String> roles) {
        this.ticks = ticks;
        this.roles = roles;
    }

    /** Every process's CPU time so far. */
    static ProcessCpu read() {
        Map<Long, Long> ticks = new HashMap<>();
        Map<Long, String> roles = new HashMap<>();
        try (Stream<Path> entries = Files.list(Path.of("/proc"))) {
            entries.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).forEach(p -> {
                try {
                    String stat = Files.readString(p.resolve("stat"));
                    // fields after the command's closing parenthesis: state is the 3rd field, utime the 14th
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    long pid = Long.parseLong(p.getFileName().toString());
                    ticks.put(pid, Long.parseLong(f[11]) + Long.parseLong(f[12]));
                    roles.put(pid, role(pid, new String(Files.readAllBytes(p.resolve("cmdline")),
                            StandardCharsets.UTF_8)));
                } catch (IOException | RuntimeException gone) {
                    // the process ended between the listing and the read
                }
            });
        } catch (IOException noProc) {
            return new ProcessCpu(Map.of(), Map.of());
        }
        return new ProcessCpu(ticks, roles);
    }

    private static String role(long pid, String cmdline) {
        if (pid == SELF) {
            return "this JVM";
        }
        if (cmdline.contains("AggregatorMain")) {
            return "aggregator";
        }
        if (cmdline.contains("kafka.Kafka")) {
            return "Kafka broker";
        }
        if (cmdline.startsWith("postgres") || cmdline.contains("/postgres")) {
            return "PostgreSQL";
        }
        return "other";
    }

    /** "this JVM 6.1 core-s, aggregator 9.8, ..." over the wall time since {@code before}. */
    String since(ProcessCpu before) {
        if (ticks.isEmpty()) {
            return "no /proc here: CPU per role not read";
        }
        Map<String, Double> seconds = new TreeMap<>();
        ticks.forEach((pid, now) -> seconds.merge(roles.get(pid),
                (now - before.ticks.getOrDefault(pid, 0L)) / TICKS_PER_SECOND, Double::sum));
        double wall = (startNanos - before.startNanos) / 1e9;
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "CPU over %.1f s (%d cores): ", wall,
                Runtime.getRuntime().availableProcessors()));
        seconds.forEach((role, s) -> out.append(String.format(Locale.ROOT, "%s %.1f core-s, ", role, s)));
        return out.substring(0, out.length() - 2);
    }
}
