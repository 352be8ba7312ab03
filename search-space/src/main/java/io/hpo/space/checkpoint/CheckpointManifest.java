package io.hpo.space.checkpoint;

import io.hpo.space.Hyperparameters;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;

/**
 * What a checkpoint holds besides DL4J's own entries: everything needed to rebuild and fine-tune the model without
 * the search that trained it. Stored as a properties entry ({@link #ENTRY}) inside the ModelSerializer zip, so a
 * checkpoint is one file and one atomic rename.
 *
 * @param hyperparameters the trial's configuration (the architecture among it)
 * @param vocabulary      the character tokenizer's symbols in id order (id 0, unknown, excluded)
 * @param searchId        the search that trained the model
 * @param trialId         its trial
 * @param steps           optimizer steps the saved weights have had
 * @param validationLoss  validation loss of the saved weights (nats per token), NaN if never evaluated
 */
public record CheckpointManifest(Hyperparameters hyperparameters, String vocabulary, String searchId, String trialId,
                                 long steps, double validationLoss) {

    /** The zip entry; DL4J's ModelSerializer ignores entries it does not know. */
    public static final String ENTRY = "hpo/manifest.properties";
    /**
     * 2 since the transformer layers lay out their own parameters: a format 1 checkpoint holds SameDiff layers'
     * parameters in another order under the same layer names and sizes, so it is refused rather than misread.
     */
    static final int FORMAT = 2;
    private static final String HYPERPARAMETER_PREFIX = "hp.";

    public CheckpointManifest {
        Objects.requireNonNull(hyperparameters, "hyperparameters");
        Objects.requireNonNull(vocabulary, "vocabulary");
        Objects.requireNonNull(searchId, "searchId");
        Objects.requireNonNull(trialId, "trialId");
    }

    /** Vocabulary size as the model's embedding and output layer count it: the symbols plus the unknown id. */
    public int vocabSize() {
        return vocabulary.length() + 1;
    }

    /** ASCII text: {@link Properties} escapes every character outside printable ASCII. */
    public String toText() {
        Properties p = new Properties();
        p.setProperty("format", String.valueOf(FORMAT));
        p.setProperty("vocabulary", vocabulary);
        p.setProperty("search_id", searchId);
        p.setProperty("trial_id", trialId);
        p.setProperty("steps", String.valueOf(steps));
        p.setProperty("validation_loss", String.valueOf(validationLoss));
        hyperparameters.toMap().forEach((k, v) -> p.setProperty(HYPERPARAMETER_PREFIX + k, String.valueOf(v)));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            p.store(out, "hpo checkpoint manifest");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    /** Inverse of {@link #toText}; a problem is an IllegalArgumentException saying which entry is wrong. */
    public static CheckpointManifest parse(String text) {
        Properties p = new Properties();
        try {
            p.load(new StringReader(text));
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException("its manifest is not a properties text: " + e.getMessage());
        }
        String format = require(p, "format");
        if (!format.equals(String.valueOf(FORMAT))) {
            throw new IllegalArgumentException("its manifest has format " + format + "; this build reads format "
                    + FORMAT);
        }
        Map<String, Object> hp = new LinkedHashMap<>();
        for (String key : p.stringPropertyNames()) {
            if (key.startsWith(HYPERPARAMETER_PREFIX)) {
                hp.put(key.substring(HYPERPARAMETER_PREFIX.length()), p.getProperty(key));
            }
        }
        try {
            return new CheckpointManifest(Hyperparameters.fromMap(hp), require(p, "vocabulary"),
                    require(p, "search_id"), require(p, "trial_id"), Long.parseLong(require(p, "steps")),
                    Double.parseDouble(require(p, "validation_loss")));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("its manifest is invalid: " + e.getMessage());
        }
    }

    private static String require(Properties p, String key) {
        String value = p.getProperty(key);
        if (value == null) {
            throw new IllegalArgumentException("its manifest lacks '" + key + "'");
        }
        return value;
    }
}
