package io.hpo.space.spec;

import java.io.Serializable;
import java.util.Objects;

/**
 * Where the training text comes from.
 *
 * @param source             {@link #DEMO} for the built-in question-formation corpus, or a path or URI ({@code file:},
 *                           {@code hdfs:}, {@code s3a:} ...) of a UTF-8 text file or a folder of them; the loader turns
 *                           local paths into absolute ones
 * @param demoSentences      sentences the demo corpus generates (ignored for other sources)
 * @param validationFraction share of the text held out for validation, in (0, 0.5]
 * @param demoTask           which transformation the demo corpus pairs each sentence with (ignored for other
 *                           sources): {@link #QUESTION_FORMATION} or {@link #NEGATION}; both share one vocabulary, so a
 *                           model trained on one can be fine-tuned on the other
 */
public record DataSpec(String source, int demoSentences, double validationFraction, String demoTask)
        implements Serializable {

    /** The source name of the built-in demo corpus. */
    public static final String DEMO = "demo";
    /** Demo task: the sentence and its yes/no question (the main clause's auxiliary fronted). */
    public static final String QUESTION_FORMATION = "question_formation";
    /** Demo task: the sentence and its negation ("not" after the main clause's auxiliary). */
    public static final String NEGATION = "negation";
    public static final java.util.List<String> DEMO_TASKS = java.util.List.of(QUESTION_FORMATION, NEGATION);

    public DataSpec {
        Objects.requireNonNull(source, "source");
        if (source.isBlank()) {
            throw new IllegalArgumentException("source must not be blank");
        }
        if (demoSentences < 1) {
            throw new IllegalArgumentException("demoSentences must be >= 1, got " + demoSentences);
        }
        if (!(validationFraction > 0 && validationFraction <= SpecLimits.MAX_VALIDATION_FRACTION)) {
            throw new IllegalArgumentException("validationFraction must be in (0, "
                    + SpecLimits.MAX_VALIDATION_FRACTION + "], got " + validationFraction);
        }
        if (!DEMO_TASKS.contains(demoTask)) {
            throw new IllegalArgumentException("demoTask must be one of " + DEMO_TASKS + ", got " + demoTask);
        }
    }

    public boolean isDemo() {
        return DEMO.equals(source);
    }
}
