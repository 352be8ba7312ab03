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
 */
public record DataSpec(String source, int demoSentences, double validationFraction) implements Serializable {

    /** The source name of the built-in demo corpus. */
    public static final String DEMO = "demo";

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
    }

    public boolean isDemo() {
        return DEMO.equals(source);
    }
}
