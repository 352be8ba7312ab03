package io.hpo.driver;

import io.hpo.driver.bench.DevToolsChromium;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Debian's {@code chromium} run headless from its command line: the DOM after the page's scripts ran, and a
 * screenshot. Flags keep it off the network (no updates, sync or QUIC) and out of the user's profile.
 */
final class HeadlessChromium {
    /** Page time (virtual, so it passes as fast as the page is idle) its scripts get before the DOM is taken. */
    private static final int VIRTUAL_TIME_MS = 8000;
    private static final int TIMEOUT_S = 90;

    private final Path binary;
    private final Path profile;

    private HeadlessChromium(Path binary, Path profile) {
        this.binary = binary;
        this.profile = profile;
    }

    static Optional<HeadlessChromium> find(Path profile) {
        return DevToolsChromium.binary().map(binary -> new HeadlessChromium(binary, profile));
    }

    String dumpDom(String url) throws IOException, InterruptedException {
        return run(List.of("--dump-dom", url));
    }

    void screenshot(String url, Path png, int width, int height) throws IOException, InterruptedException {
        Files.createDirectories(png.getParent());
        run(List.of("--screenshot=" + png.toAbsolutePath(), "--window-size=" + width + "," + height,
                "--hide-scrollbars", url));
        if (!Files.isRegularFile(png) || Files.size(png) == 0) {
            throw new IllegalStateException("chromium wrote no screenshot to " + png);
        }
    }

    private String run(List<String> args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(binary.toString(), "--headless", "--no-sandbox",
                "--disable-gpu", "--disable-quic", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
                "--user-data-dir=" + profile.toAbsolutePath(), "--virtual-time-budget=" + VIRTUAL_TIME_MS));
        command.addAll(args);
        Path stdout = Files.createTempFile(profile.getParent(), "chromium", ".out");
        Path stderr = Files.createTempFile(profile.getParent(), "chromium", ".err");
        Process p = new ProcessBuilder(command).redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
        if (!p.waitFor(TIMEOUT_S, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            throw new IllegalStateException("chromium did not finish within " + TIMEOUT_S + " s: "
                    + Files.readString(stderr, StandardCharsets.UTF_8));
        }
        if (p.exitValue() != 0) {
            throw new IllegalStateException("chromium exited with " + p.exitValue() + ": "
                    + Files.readString(stderr, StandardCharsets.UTF_8));
        }
        return Files.readString(stdout, StandardCharsets.UTF_8);
    }
}
