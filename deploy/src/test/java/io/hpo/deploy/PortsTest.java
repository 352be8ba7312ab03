package io.hpo.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.junit.jupiter.api.Test;

class PortsTest {

    @Test
    void aRequestedPortIsKeptEvenWhenItIsTaken() {
        assertEquals(9092, Ports.freeOr(9092, 9092));
    }

    @Test
    void aPickedPortIsNeverOneAlreadyTaken() {
        // the kernel may hand a just-closed port out again, which is how a broker once got both listeners on one port
        int first = Ports.freeOr(0);
        int second = Ports.freeOr(0, first);
        for (int i = 0; i < 200; i++) {
            int port = Ports.freeOr(0, first, second);
            assertNotEquals(first, port);
            assertNotEquals(second, port);
        }
        assertNotEquals(first, second);
    }
}
