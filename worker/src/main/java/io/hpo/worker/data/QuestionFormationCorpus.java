package io.hpo.worker.data;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

/**
 * Synthetic question-formation data in the style of McCoy et al. (2020) and arXiv 2405.08707: a declarative
 * sentence from a small English grammar and its yes/no question, made by fronting the MAIN clause's auxiliary.
 * Subjects often carry a relative clause with an auxiliary of its own, so "front the first auxiliary" is wrong
 * and a model has to pick up the hierarchical rule.
 *
 * <p>A second task on the same grammar ({@link DemoTask#NEGATION}) pairs each sentence with its negation instead:
 * "not" goes after the main clause's auxiliary, so it needs the same structure. Both tasks draw their sentences the
 * same way and share one {@link #tokenizer()}, so a model trained on one can be fine-tuned on the other.
 *
 * <p>Line format, one example per line, words separated by single spaces:
 * {@code <declarative> . <question> ?}, for example
 * {@code the dog that can run will see the cat . will the dog that can run see the cat ?}, or for negation
 * {@code the dog that can run will see the cat . the dog that can run will not see the cat .}.
 * The first {@code " . "} in a line is the separator, so {@link Example#parse} splits on it.
 */
public final class QuestionFormationCorpus {

    public static final List<String> DETERMINERS = List.of("the", "some", "every", "my", "your", "our", "this");
    public static final List<String> NOUNS = List.of("dog", "cat", "bird", "horse", "teacher", "doctor", "child",
            "farmer", "king", "queen", "wolf", "fox", "mouse", "lion", "rabbit", "student");
    public static final List<String> ADJECTIVES = List.of("small", "big", "happy", "sad", "old", "young", "quiet",
            "clever", "brave", "lazy");
    public static final List<String> INTRANSITIVE_VERBS = List.of("run", "sleep", "swim", "laugh", "wait", "smile",
            "sing", "dance", "jump", "cry");
    public static final List<String> TRANSITIVE_VERBS = List.of("see", "follow", "help", "call", "visit", "admire",
            "chase", "find", "amuse", "remember");
    /** Every subject is singular, so "does" agrees and all auxiliaries take a bare verb. */
    public static final List<String> AUXILIARIES = List.of("can", "could", "will", "would", "should", "might",
            "must", "does");
    public static final List<String> PREPOSITIONS = List.of("near", "behind", "with", "by", "above", "beside");
    public static final String RELATIVIZER = "that";
    public static final String NEGATOR = "not";
    /** Punctuation and the line break that ends every example. */
    private static final String PUNCTUATION = " .?\n";

    private static final double SUBJECT_RELATIVE_CLAUSE = 0.5;
    private static final double SUBJECT_PREPOSITION = 0.15;
    private static final double OBJECT_RELATIVE_CLAUSE = 0.2;
    private static final double ADJECTIVE = 0.3;
    private static final double TRANSITIVE = 0.5;
    private static final double VERB_PREPOSITION = 0.3;

    private QuestionFormationCorpus() {
    }

    /** One declarative sentence and what the task makes of it, each with its final punctuation token. */
    public record Example(String declarative, String target) {

        static final String SEPARATOR = " . ";

        public String line() {
            return declarative + " " + target;
        }

        /** Inverse of {@link #line()}. */
        public static Example parse(String line) {
            int at = line.indexOf(SEPARATOR);
            if (at < 0 || !(line.endsWith(" ?") || line.endsWith(" ."))) {
                throw new IllegalArgumentException("not a demo corpus line: '" + line + "'");
            }
            return new Example(line.substring(0, at + 2), line.substring(at + SEPARATOR.length()));
        }
    }

    /** Every word the grammar can emit (punctuation excluded). */
    public static List<String> vocabulary() {
        return Stream.of(DETERMINERS, NOUNS, ADJECTIVES, INTRANSITIVE_VERBS, TRANSITIVE_VERBS, AUXILIARIES,
                        PREPOSITIONS, List.of(RELATIVIZER))
                .flatMap(List::stream).distinct().toList();
    }

    /**
     * The demo corpus's vocabulary, the same for every task and corpus size: every character the grammar and either
     * task can emit, whatever a given sample happens to contain.
     */
    public static CharTokenizer tokenizer() {
        return CharTokenizer.fromText(String.join("", vocabulary()) + NEGATOR + PUNCTUATION);
    }

    /** {@code sentences} question-formation lines in the documented format; the same seed gives the same lines. */
    public static List<String> generate(int sentences, long seed) {
        return generate(sentences, seed, DemoTask.QUESTION_FORMATION);
    }

    /** {@code sentences} lines of {@code task}; the same seed gives the same declaratives for every task. */
    public static List<String> generate(int sentences, long seed, DemoTask task) {
        return examples(sentences, seed, task).stream().map(Example::line).toList();
    }

    public static List<Example> examples(int sentences, long seed) {
        return examples(sentences, seed, DemoTask.QUESTION_FORMATION);
    }

    public static List<Example> examples(int sentences, long seed, DemoTask task) {
        if (sentences < 0) {
            throw new IllegalArgumentException("sentences must be >= 0, got " + sentences);
        }
        Random rnd = new Random(seed);
        List<Example> out = new ArrayList<>(sentences);
        for (int i = 0; i < sentences; i++) {
            out.add(example(rnd, task));
        }
        return out;
    }

    private static Example example(Random rnd, DemoTask task) {
        String subject = subject(rnd);
        String auxiliary = pick(rnd, AUXILIARIES);
        String predicate = predicate(rnd);
        String declarative = subject + " " + auxiliary + " " + predicate + " .";
        return new Example(declarative, switch (task) {
            case QUESTION_FORMATION -> auxiliary + " " + subject + " " + predicate + " ?";
            case NEGATION -> subject + " " + auxiliary + " " + NEGATOR + " " + predicate + " .";
        });
    }

    private static String subject(Random rnd) {
        String np = simpleNounPhrase(rnd);
        double r = rnd.nextDouble();
        if (r < SUBJECT_RELATIVE_CLAUSE) {
            return np + " " + relativeClause(rnd);
        }
        if (r < SUBJECT_RELATIVE_CLAUSE + SUBJECT_PREPOSITION) {
            return np + " " + pick(rnd, PREPOSITIONS) + " " + simpleNounPhrase(rnd);
        }
        return np;
    }

    /** Subject-gap ("that can see the cat") or object-gap ("that the cat can see"), each with an auxiliary. */
    private static String relativeClause(Random rnd) {
        if (rnd.nextBoolean()) {
            return RELATIVIZER + " " + pick(rnd, AUXILIARIES) + " " + simplePredicate(rnd);
        }
        return RELATIVIZER + " " + simpleNounPhrase(rnd) + " " + pick(rnd, AUXILIARIES) + " "
                + pick(rnd, TRANSITIVE_VERBS);
    }

    private static String predicate(Random rnd) {
        if (rnd.nextDouble() < TRANSITIVE) {
            String object = simpleNounPhrase(rnd);
            if (rnd.nextDouble() < OBJECT_RELATIVE_CLAUSE) {
                object += " " + relativeClause(rnd);
            }
            return pick(rnd, TRANSITIVE_VERBS) + " " + object;
        }
        String verb = pick(rnd, INTRANSITIVE_VERBS);
        return rnd.nextDouble() < VERB_PREPOSITION ? verb + " " + pick(rnd, PREPOSITIONS) + " "
                + simpleNounPhrase(rnd) : verb;
    }

    private static String simplePredicate(Random rnd) {
        return rnd.nextDouble() < TRANSITIVE
                ? pick(rnd, TRANSITIVE_VERBS) + " " + simpleNounPhrase(rnd)
                : pick(rnd, INTRANSITIVE_VERBS);
    }

    private static String simpleNounPhrase(Random rnd) {
        String det = pick(rnd, DETERMINERS);
        return rnd.nextDouble() < ADJECTIVE
                ? det + " " + pick(rnd, ADJECTIVES) + " " + pick(rnd, NOUNS)
                : det + " " + pick(rnd, NOUNS);
    }

    private static String pick(Random rnd, List<String> words) {
        return words.get(rnd.nextInt(words.size()));
    }
}
