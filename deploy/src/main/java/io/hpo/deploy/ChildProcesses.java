package io.hpo.deploy;

import java.util.concurrent.TimeUnit;

/** Stopping the services this module starts as child processes. */
final class ChildProcesses {
    private ChildProcesses() {
    }

    /** SIGTERM, so the service runs its own shutdown; SIGKILL if it is still there after 30 s. */
    static void stop(Process process) {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
