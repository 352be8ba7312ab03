package io.hpo.worker.trial;

import java.io.PrintStream;

/**
 * ND4J 1.0.0-M2.1 prints "Added differentiated op ..." to System.out, unconditionally, for every op each time a
 * SameDiff layer builds its gradient function, which dl4j-spark does on every worker in every averaging round:
 * thousands of lines a trial. This drops exactly those lines from System.out and passes everything else through.
 */
final class SameDiffDebugFilter extends PrintStream {
    private static final String NOISE = "Added differentiated op ";

    private SameDiffDebugFilter(PrintStream out) {
        super(out, true);
    }

    /** Idempotent: installs the filter on this JVM's System.out once. */
    static synchronized void install() {
        if (!(System.out instanceof SameDiffDebugFilter)) {
            System.setOut(new SameDiffDebugFilter(System.out));
        }
    }

    @Override
    public void println(String line) {
        if (line == null || !line.startsWith(NOISE)) {
            super.println(line);
        }
    }
}
