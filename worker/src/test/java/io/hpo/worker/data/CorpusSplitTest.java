package io.hpo.worker.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

class CorpusSplitTest {

    private static final List<String> LINES = QuestionFormationCorpus.generate(500, 3);

    /** 100 characters of 10 distinct symbols: 90 for training, 10 for validation. */
    private static final CorpusSplit HUNDRED = CorpusSplit.ofText("0123456789".repeat(10), 0.1);

    @Test
    void sameSeedSameSplit() {
        CorpusSplit a = CorpusSplit.ofLines(LINES, 0.2, 9);
        CorpusSplit b = CorpusSplit.ofLines(LINES, 0.2, 9);
        assertArrayEquals(a.train(), b.train());
        assertArrayEquals(a.validation(), b.validation());
        assertFalse(Arrays.equals(a.validation(), CorpusSplit.ofLines(LINES, 0.2, 10).validation()));
    }

    @Test
    void aTrainingShareIsAPrefixOfTheTrainingSplitWithTheSameValidation() {
        CorpusSplit split = CorpusSplit.ofLines(LINES, 0.2, 9);
        int[] train = split.train();
        CorpusSplit tenth = split.trainingShare(0.1);
        CorpusSplit half = split.trainingShare(0.5);

        assertEquals((int) Math.ceil(train.length * 0.1), tenth.train().length);
        assertArrayEquals(Arrays.copyOf(train, tenth.train().length), tenth.train());
        assertArrayEquals(Arrays.copyOf(half.train(), tenth.train().length), tenth.train(),
                "a smaller share's data is part of a larger one's");
        assertSame(split.validation(), tenth.validation(), "every share is validated on the same windows");
        assertSame(split.tokenizer(), half.tokenizer());
        assertSame(split, split.trainingShare(1.0));
        assertArrayEquals(tenth.train(), CorpusSplit.ofLines(LINES, 0.2, 9).trainingShare(0.1).train(),
                "the same spec and seed give the same share");
    }

    @Test
    void aShareRoundsUpAndRefusesWhatIsNotAShare() {
        assertEquals(1, CorpusSplit.shareLength(90, 0.001));
        assertEquals(45, CorpusSplit.shareLength(90, 0.5));
        assertEquals(90, CorpusSplit.shareLength(90, 1.0));
        for (double bad : new double[]{0, -0.1, 1.01, Double.NaN}) {
            assertThrows(IllegalArgumentException.class, () -> CorpusSplit.shareLength(90, bad));
        }
    }

    @Test
    void aShareTooSmallForABatchIsRefusedWithItsSize() {
        DataException e = assertThrows(DataException.class,
                () -> HUNDRED.trainingShare(0.05).requireFits("h.txt at data_fraction 0.05", 3, 2, 1));
        assertTrue(e.getMessage().startsWith("h.txt at data_fraction 0.05: the training split has 5 tokens"),
                e.getMessage());
    }

    @Test
    void validationHoldsTheRequestedFractionOfWholeLines() {
        CorpusSplit split = CorpusSplit.ofLines(LINES, 0.2, 9);
        List<String> validation = lines(split, split.validation());
        List<String> train = lines(split, split.train());
        assertEquals(100, validation.size());
        assertEquals(400, train.size());
        Set<String> all = new HashSet<>(train);
        all.addAll(validation);
        assertEquals(new HashSet<>(LINES), all);
        assertEquals(split.train().length, split.tokensPerEpoch());
    }

    @Test
    void tokenizerKnowsCharsThatOnlyValidationHas() {
        CorpusSplit split = CorpusSplit.ofText("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaazq", 0.1);
        assertTrue(Arrays.stream(split.validation()).noneMatch(id -> id == CharTokenizer.UNKNOWN_ID));
        assertEquals(4, split.tokenizer().vocabSize());
    }

    @Test
    void textSplitKeepsTheLastCharactersForValidation() {
        CorpusSplit split = CorpusSplit.ofText("abcdefghij", 0.3);
        assertEquals("abcdefg", split.tokenizer().decode(split.train()));
        assertEquals("hij", split.tokenizer().decode(split.validation()));
    }

    @Test
    void requireFitsAcceptsDataThatFillsABatchAndTheEvaluation() {
        HUNDRED.requireFits("h.txt", 3, 3, 1);
        HUNDRED.requireFits("h.txt", 9, 1, 1);
    }

    @Test
    void aTrainingSplitSmallerThanOneBatchIsAnErrorWithTheNumbers() {
        DataException e = assertThrows(DataException.class, () -> HUNDRED.requireFits("data/x.txt", 9, 10, 1));
        assertEquals("data/x.txt: the training split has 90 tokens; a training batch needs batch_size × "
                + "(seq_length + 1) = 10 × 10 = 100: use more data or a smaller batch_size or seq_length",
                e.getMessage());
    }

    @Test
    void aValidationSplitTooSmallForTheEvalBatchesIsAnErrorWithTheNumbers() {
        DataException e = assertThrows(DataException.class, () -> HUNDRED.requireFits("data/x.txt", 3, 2, 2));
        assertEquals("data/x.txt: the validation split has 10 tokens; eval_batches × batch_size × seq_length + 1 "
                + "= 2 × 2 × 3 + 1 = 13 are needed: use more data, a larger validation_fraction or fewer "
                + "eval_batches", e.getMessage());
    }

    @Test
    void aTextOfOneSymbolIsAnError() {
        DataException e = assertThrows(DataException.class,
                () -> CorpusSplit.ofText("a".repeat(1000), 0.1).requireFits("a.txt", 8, 4, 1));
        assertEquals("a.txt: the text has 1 distinct symbol ('a'); a language model needs at least 2",
                e.getMessage());
    }

    @Test
    void aTextOfTooManySymbolsIsAnError() {
        StringBuilder text = new StringBuilder();
        for (char c = 0x4E00; c < 0x4E00 + 20_000; c++) {
            text.append(c).append(c);
        }
        DataException e = assertThrows(DataException.class,
                () -> CorpusSplit.ofText(text.toString(), 0.5).requireFits("cjk.txt", 8, 4, 1));
        assertTrue(e.getMessage().startsWith("cjk.txt: the text has "), e.getMessage());
        assertTrue(e.getMessage().contains("more than the 16,384 a character vocabulary may have"), e.getMessage());
    }

    @Test
    void anEmptyTextIsAnError() {
        DataException e = assertThrows(DataException.class,
                () -> CorpusSplit.ofText("", 0.1).requireFits("empty.txt", 2, 1, 1));
        assertTrue(e.getMessage().startsWith("empty.txt: the training split has 0 tokens"), e.getMessage());
    }

    @Test
    void emptyOrTinyInputIsRejectedWithAReason() {
        assertThrows(IllegalArgumentException.class, () -> CorpusSplit.ofLines(List.of(), 0.1, 1));
        assertThrows(IllegalArgumentException.class, () -> CorpusSplit.ofLines(List.of("one line"), 0.1, 1));
        assertThrows(IllegalArgumentException.class, () -> CorpusSplit.ofText("abc", 1.0));
    }

    @Test
    void survivesJavaSerialisationForSparkBroadcasts() throws IOException, ClassNotFoundException {
        CorpusSplit split = CorpusSplit.ofLines(LINES, 0.2, 9);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(split);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            CorpusSplit back = (CorpusSplit) in.readObject();
            assertArrayEquals(split.train(), back.train());
            assertEquals(split.tokenizer(), back.tokenizer());
        }
    }

    private static List<String> lines(CorpusSplit split, int[] tokens) {
        return Arrays.asList(split.tokenizer().decode(tokens).split("\n"));
    }
}
