package io.hpo.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;

/** Loopback port helpers for services this project starts on one machine. */
public final class Ports {
    public static final String LOOPBACK = "127.0.0.1";

    private Ports() {
    }

    /**
     * {@code requested} itself when it is not 0, else a port that was free a moment ago and is none of
     * {@code taken}: back-to-back picks can get the same port (the kernel hands a just-closed ephemeral port out
     * again), and a process given it twice refuses to start.
     */
    public static int freeOr(int requested, int... taken) {
        if (requested != 0) {
            return requested;
        }
        while (true) {
            int port = anyFree();
            if (Arrays.stream(taken).noneMatch(t -> t == port)) {
                return port;
            }
        }
    }

    private static int anyFree() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK))) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static boolean isOpen(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(LOOPBACK, port), 250);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Waits until something accepts connections on the port; {@code alive} false means give up early. */
    public static void awaitOpen(int port, Duration timeout, java.util.function.BooleanSupplier alive, String what) {
        Instant deadline = Instant.now().plus(timeout);
        while (!isOpen(port)) {
            if (!alive.getAsBoolean()) {
                throw new IllegalStateException(what + " exited before listening on " + LOOPBACK + ":" + port);
            }
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException(what + " did not listen on " + LOOPBACK + ":" + port + " within "
                        + timeout.toSeconds() + " s");
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + what, e);
            }
        }
    }
}
