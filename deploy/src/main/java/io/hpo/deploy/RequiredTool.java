package io.hpo.deploy;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;

/**
 * For tests that need a program from outside the build (chromium, promtool, docker-compose). Where it is missing
 * the test is skipped on a developer's machine, and fails under {@code CI=true}: CI must run every check. Each skip
 * is also appended to the file {@code $HPO_SKIPPED_TOOLS} names, which {@code ./hpo test} lists at the end.
 */
public final class RequiredTool {
    private RequiredTool() {
    }

    /** Returns if {@code present}; otherwise fails under CI or skips the calling test, naming the Debian package. */
    public static void require(boolean present, String program, String debianPackage) {
        require(present, program, debianPackage, System.getenv());
    }

    static void require(boolean present, String program, String debianPackage, Map<String, String> env) {
        if (present) {
            return;
        }
        String why = program + " is not installed (Debian package " + debianPackage + "; .ci/run installs it)";
        if ("true".equals(env.get("CI"))) {
            Assertions.fail("CI=true: " + why);
        }
        String record = env.get("HPO_SKIPPED_TOOLS");
        if (record != null) {
            try {
                Files.writeString(Path.of(record), program + "\t" + debianPackage + "\t" + callingTest() + "\n",
                        StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        Assumptions.abort("SKIPPED: " + why);
    }

    private static String callingTest() {
        return StackWalker.getInstance().walk(frames -> frames
                .filter(f -> !f.getClassName().equals(RequiredTool.class.getName()))
                .findFirst().map(f -> f.getClassName() + "." + f.getMethodName()).orElse("?"));
    }
}
