package io.hpo.worker.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.dataset.DataSet;

class TokenBatchesTest {

    private static final int[] TOKENS = IntStream.range(0, 50).map(i -> i % 7).toArray();

    @Test
    void randomWindowsHaveTheModelsLayoutAndNextTokenLabels() {
        DataSet batch = TokenBatches.randomWindows(TOKENS, 5, 3, new Random(1));
        assertArrayEquals(new long[] {3, 5}, batch.getFeatures().shape());
        assertArrayEquals(new long[] {3, 1, 5}, batch.getLabels().shape());
        for (int b = 0; b < 3; b++) {
            for (int t = 0; t < 5; t++) {
                int token = batch.getFeatures().getInt(b, t);
                assertEquals((token + 1) % 7, batch.getLabels().getInt(b, 0, t));
            }
        }
    }

    @Test
    void randomWindowsReachTheLastToken() {
        int[] tokens = IntStream.range(0, 12).toArray();
        Random rnd = new Random(2);
        boolean sawLast = false;
        for (int i = 0; i < 200 && !sawLast; i++) {
            DataSet batch = TokenBatches.randomWindows(tokens, 4, 1, rnd);
            sawLast = batch.getLabels().getInt(0, 0, 3) == 11;
        }
        assertTrue(sawLast, "a window ending at the last token");
    }

    @Test
    void validationWindowsAreConsecutiveAndBatchedWithASmallerLastBatch() {
        int[] tokens = IntStream.range(0, 23).toArray();
        List<DataSet> batches = TokenBatches.validationBatches(tokens, 4, 2, 10);
        // (23 - 1) / 4 = 5 windows starting at 0, 4, 8, 12, 16
        assertEquals(3, batches.size());
        assertEquals(1, batches.get(2).getFeatures().size(0));
        assertEquals(16, batches.get(2).getFeatures().getInt(0, 0));
        assertEquals(20, batches.get(2).getLabels().getInt(0, 0, 3));
        assertEquals(4, batches.get(0).getFeatures().getInt(1, 0));
    }

    @Test
    void validationIsCappedAndDeterministic() {
        int[] tokens = IntStream.range(0, 1000).toArray();
        List<DataSet> a = TokenBatches.validationBatches(tokens, 4, 2, 3);
        assertEquals(3, a.size());
        assertEquals(a, TokenBatches.validationBatches(tokens, 4, 2, 3));
    }

    @Test
    void tooFewTokensForOneWindowIsAnError() {
        assertThrows(IllegalArgumentException.class, () -> TokenBatches.randomWindows(new int[5], 5, 1, new Random()));
        assertThrows(IllegalArgumentException.class, () -> TokenBatches.validationBatches(new int[5], 5, 1, 1));
    }
}
