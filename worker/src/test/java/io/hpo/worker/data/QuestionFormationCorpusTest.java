package io.hpo.worker.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.hpo.worker.data.QuestionFormationCorpus.Example;
import org.junit.jupiter.api.Test;

class QuestionFormationCorpusTest {

    private static final List<Example> EXAMPLES = QuestionFormationCorpus.examples(2000, 42);

    @Test
    void sameSeedSameLinesOtherSeedOtherLines() {
        assertEquals(QuestionFormationCorpus.generate(200, 7), QuestionFormationCorpus.generate(200, 7));
        assertNotEquals(QuestionFormationCorpus.generate(200, 7), QuestionFormationCorpus.generate(200, 8));
    }

    @Test
    void vocabularyIsAboutSeventyWordsAndCoversEveryLine() {
        List<String> vocabulary = QuestionFormationCorpus.vocabulary();
        assertTrue(vocabulary.size() >= 60 && vocabulary.size() <= 80, "vocabulary size " + vocabulary.size());
        Set<String> allowed = new HashSet<>(vocabulary);
        allowed.addAll(List.of(".", "?"));
        Set<String> used = new HashSet<>();
        for (Example e : EXAMPLES) {
            used.addAll(Arrays.asList(e.line().split(" ")));
        }
        assertTrue(allowed.containsAll(used), "words outside the vocabulary: " + minus(used, allowed));
        assertEquals(allowed, used, "2000 examples should use every word");
    }

    @Test
    void everyQuestionFrontsTheMainClauseAuxiliary() {
        for (Example e : EXAMPLES) {
            List<String> declarative = words(e.declarative());
            List<String> question = words(e.target());
            assertTrue(QuestionFormationCorpus.AUXILIARIES.contains(question.get(0)), e.target());
            assertEquals("?", question.get(question.size() - 1));
            int main = mainAuxiliary(declarative, question);
            assertEquals(question.get(0), declarative.get(main), e.line());
            // the question is the declarative with that auxiliary moved to the front
            List<String> rest = new ArrayList<>(declarative.subList(0, declarative.size() - 1));
            rest.remove(main);
            assertEquals(rest, question.subList(1, question.size() - 1), e.line());
        }
    }

    @Test
    void manyQuestionsMoveAnAuxiliaryThatIsNotTheFirst() {
        long hierarchical = EXAMPLES.stream().filter(e -> {
            List<String> declarative = words(e.declarative());
            int main = mainAuxiliary(declarative, words(e.target()));
            return declarative.subList(0, main).stream().anyMatch(QuestionFormationCorpus.AUXILIARIES::contains);
        }).count();
        assertTrue(hierarchical > EXAMPLES.size() / 5, "only " + hierarchical + " examples need the hierarchical rule");
    }

    @Test
    void linesParseBackIntoTheirExamples() {
        for (Example e : EXAMPLES.subList(0, 100)) {
            assertEquals(e, Example.parse(e.line()));
            assertTrue(e.line().contains(" . "), e.line());
        }
    }

    @Test
    void negationPutsNotAfterTheMainAuxiliaryOfTheSameSentences() {
        List<Example> negations = QuestionFormationCorpus.examples(2000, 42, DemoTask.NEGATION);
        for (int i = 0; i < EXAMPLES.size(); i++) {
            Example question = EXAMPLES.get(i);
            Example negation = negations.get(i);
            assertEquals(question.declarative(), negation.declarative());
            List<String> declarative = words(question.declarative());
            int main = mainAuxiliary(declarative, words(question.target()));
            List<String> expected = new ArrayList<>(declarative);
            expected.add(main + 1, QuestionFormationCorpus.NEGATOR);
            assertEquals(String.join(" ", expected), negation.target());
            assertEquals(negation, Example.parse(negation.line()));
        }
    }

    @Test
    void bothTasksShareOneVocabularyWhateverTheSample() {
        CharTokenizer tokenizer = QuestionFormationCorpus.tokenizer();
        for (DemoTask task : DemoTask.values()) {
            String text = String.join("\n", QuestionFormationCorpus.generate(3000, 1, task)) + "\n";
            tokenizer.requireCovers(text, task.name(), "the demo corpus");
        }
        String questions = String.join("\n", QuestionFormationCorpus.generate(3000, 1)) + "\n";
        assertEquals(tokenizer, CharTokenizer.fromText(questions), "question formation uses every symbol");
        CharTokenizer tiny = CorpusSplit.ofLines(QuestionFormationCorpus.generate(3, 1), 0.3, 1, tokenizer).tokenizer();
        assertEquals(tokenizer, tiny);
    }

    /**
     * Position of the moved auxiliary in the declarative: declarative = subject aux rest, question = aux subject
     * rest, so it is where the declarative stops matching the question shifted by one.
     */
    private static int mainAuxiliary(List<String> declarative, List<String> question) {
        int i = 0;
        while (declarative.get(i).equals(question.get(i + 1))) {
            i++;
        }
        return i;
    }

    private static List<String> words(String sentence) {
        return Arrays.asList(sentence.split(" "));
    }

    private static Set<String> minus(Set<String> a, Set<String> b) {
        Set<String> out = new HashSet<>(a);
        out.removeAll(b);
        return out;
    }
}
