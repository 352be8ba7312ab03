package io.hpo.aggregator.results;

import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EndedTrialsMemoTest {
    private final EndedTrialsMemo memo = new EndedTrialsMemo();
    private final AtomicInteger computed = new AtomicInteger();

    private String ask(String search, String version) throws Exception {
        return memo.get("fit", search, version, () -> search + "#" + computed.incrementAndGet());
    }

    @Test
    void theSameVersionGetsTheKeptAnswerAndANewOneAFreshAnswer() throws Exception {
        assertEquals("s#1", ask("s", "3/100"));
        assertEquals("s#1", ask("s", "3/100"));
        assertEquals("s#2", ask("s", "4/180"), "a trial ended");
        assertEquals("t#3", ask("t", "4/180"), "another search's answer is its own");
        assertEquals("s#2", ask("s", "4/180"));
    }

    @Test
    void withoutAVersionItComputesEveryTimeAndKeepsNothing() throws Exception {
        assertEquals("s#1", ask("s", null));
        assertEquals("s#2", ask("s", null));
        assertEquals("s#3", ask("s", "1/1"));
    }

    @Test
    void aFailedAnalysisIsNotKept() throws Exception {
        assertThrows(NotReadyException.class, () -> memo.get("fit", "s", "1/1", () -> {
            throw new NotReadyException("too few trials");
        }));
        assertEquals("s#1", ask("s", "1/1"));
    }

    @Test
    void aCallerArrivingDuringAComputationWaitsForItsAnswerInsteadOfStartingAnother() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<String> first = CompletableFuture.supplyAsync(() -> {
            try {
                return memo.get("fit", "s", "2/7", () -> {
                    started.countDown();
                    await(release);
                    return "slow#" + computed.incrementAndGet();
                });
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        assertTrue(started.await(10, TimeUnit.SECONDS));
        CompletableFuture<String> second = CompletableFuture.supplyAsync(() -> {
            try {
                return ask("s", "2/7");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(200);
        assertFalse(second.isDone(), "it waits for the fit under way");
        release.countDown();
        assertEquals("slow#1", first.get(10, TimeUnit.SECONDS));
        assertEquals("slow#1", second.get(10, TimeUnit.SECONDS));
        assertEquals(1, computed.get());
    }

    private static void await(CountDownLatch latch) {
        try {
            assertTrue(latch.await(10, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void itKeepsABoundedNumberOfAnswers() throws Exception {
        for (int i = 0; i <= EndedTrialsMemo.ENTRIES; i++) {
            ask("s" + i, "v");
        }
        assertEquals("s0#" + (EndedTrialsMemo.ENTRIES + 2), ask("s0", "v"), "the oldest was dropped");
        assertEquals("s" + EndedTrialsMemo.ENTRIES + "#" + (EndedTrialsMemo.ENTRIES + 1),
                ask("s" + EndedTrialsMemo.ENTRIES, "v"));
    }
}
