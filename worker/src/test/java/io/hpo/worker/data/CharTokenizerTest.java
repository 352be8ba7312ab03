package io.hpo.worker.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class CharTokenizerTest {

    @Test
    void roundTripsTheTextItWasBuiltOn() {
        String text = "will the dog run ?\nthe cat can see .";
        CharTokenizer tokenizer = CharTokenizer.fromText(text);
        assertEquals(text, tokenizer.decode(tokenizer.encode(text)));
    }

    @Test
    void idsFollowSortedCharsAfterTheUnknownId() {
        CharTokenizer tokenizer = CharTokenizer.fromText("cabca");
        assertEquals(4, tokenizer.vocabSize());
        assertArrayEquals(new int[] {1, 2, 3}, tokenizer.encode("abc"));
    }

    @Test
    void unseenCharsMapToTheUnknownId() {
        CharTokenizer tokenizer = CharTokenizer.fromText("ab");
        assertArrayEquals(new int[] {1, CharTokenizer.UNKNOWN_ID, 2}, tokenizer.encode("azb"));
        assertEquals("a" + CharTokenizer.UNKNOWN_CHAR + "b", tokenizer.decode(new int[] {1, 0, 2}));
    }

    @Test
    void rejectsIdsOutsideTheVocabulary() {
        CharTokenizer tokenizer = CharTokenizer.fromText("ab");
        assertThrows(IllegalArgumentException.class, () -> tokenizer.decode(new int[] {3}));
    }
}
