package io.hpo.worker.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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

    @Test
    void sameSeedSameSplit() {
        CorpusSplit a = CorpusSplit.ofLines(LINES, 0.2, 9);
        CorpusSplit b = CorpusSplit.ofLines(LINES, 0.2, 9);
        assertArrayEquals(a.train(), b.train());
        assertArrayEquals(a.validation(), b.validation());
        assertFalse(Arrays.equals(a.validation(), CorpusSplit.ofLines(LINES, 0.2, 10).validation()));
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
    void requireFitsNamesTheSplitThatIsTooSmall() {
        CorpusSplit split = CorpusSplit.ofText("x".repeat(100), 0.1);
        split.requireFits(9, 4);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> split.requireFits(10, 4));
        assertTrue(e.getMessage().contains("validation") && e.getMessage().contains("10 tokens"), e.getMessage());
        IllegalArgumentException train = assertThrows(IllegalArgumentException.class,
                () -> split.requireFits(95, 4));
        assertTrue(train.getMessage().contains("training"), train.getMessage());
    }

    @Test
    void emptyOrTinyInputIsRejectedWithAReason() {
        assertThrows(IllegalArgumentException.class, () -> CorpusSplit.ofLines(List.of(), 0.1, 1));
        assertThrows(IllegalArgumentException.class, () -> CorpusSplit.ofLines(List.of("one line"), 0.1, 1));
        assertThrows(IllegalArgumentException.class, () -> CorpusSplit.ofText("", 0.1).requireFits(2, 1));
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
