package io.hpo.worker.bench;

import io.hpo.worker.data.CorpusSplit;
import io.hpo.worker.data.QuestionFormationCorpus;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ThreeWaySplitTest {

    @Test
    void theSearchSeesTheSplitItAlwaysSawAndTheTestLinesAreNoneOfItsSentences() {
        ThreeWaySplit split = ThreeWaySplit.demo(300, 0.1, 7);
        CorpusSplit before = CorpusSplit.ofLines(QuestionFormationCorpus.generate(300, 7), 0.1, 7);
        assertArrayEquals(before.train(), split.search().train());
        assertArrayEquals(before.validation(), split.search().validation());

        Set<String> searched = new HashSet<>(lines(split.search(), split.search().train()));
        searched.addAll(lines(split.search(), split.search().validation()));
        List<String> test = lines(split.search(), split.test());
        assertTrue(test.size() >= 25 && test.size() <= 30, test.size() + " test lines");
        test.forEach(l -> assertTrue(!searched.contains(l), "a test line was searched: " + l));
        assertEquals(QuestionFormationCorpus.generate(330, 7).subList(300, 330).stream()
                .filter(l -> !searched.contains(l)).toList(), test);
    }

    private static List<String> lines(CorpusSplit split, int[] tokens) {
        return Arrays.asList(split.tokenizer().decode(tokens).split("\n"));
    }
}
