package io.hpo.driver;

import io.hpo.space.Hyperparameter;
import io.hpo.space.spec.DataSpec;
import io.hpo.space.spec.SearchSpec;
import io.hpo.space.checkpoint.CheckpointFile;
import io.hpo.worker.data.CharTokenizer;
import io.hpo.worker.data.CorpusSplit;
import io.hpo.worker.data.DemoTask;
import io.hpo.worker.data.QuestionFormationCorpus;
import io.hpo.worker.data.TextCorpusReader;
import org.apache.spark.api.java.JavaSparkContext;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** Loads a search's data once on the driver and splits it; every trial of the search trains on the same split. */
final class SearchData {
    private SearchData() {
    }

    /**
     * The split, checked against the largest batch_size and seq_length the space can draw, so that data too small
     * for some trial fails the search before any trial starts (a {@link io.hpo.worker.data.DataException}). A search
     * that starts from a checkpoint encodes its data with the checkpoint's vocabulary, which must cover it.
     */
    static CorpusSplit load(SearchSpec spec, JavaSparkContext sc) {
        DataSpec data = spec.data();
        Optional<CharTokenizer> pretrained = spec.initial().map(init -> CharTokenizer.fromText(
                CheckpointFile.read(Path.of(init.checkpoint())).vocabulary()));
        String vocabularyOrigin = spec.initial().map(init -> "checkpoint " + init.checkpoint()).orElse("");
        CorpusSplit split;
        String where;
        if (data.isDemo()) {
            List<String> lines = QuestionFormationCorpus.generate(data.demoSentences(), spec.seed(),
                    DemoTask.of(data.demoTask()));
            where = "the demo corpus (" + data.demoSentences() + " demo_sentences, " + data.demoTask() + ")";
            CharTokenizer tokenizer = pretrained.orElse(QuestionFormationCorpus.tokenizer());
            if (pretrained.isPresent()) {
                tokenizer.requireCovers(String.join("\n", lines) + "\n", where, vocabularyOrigin);
            }
            split = CorpusSplit.ofLines(lines, data.validationFraction(), spec.seed(), tokenizer);
        } else {
            String text = TextCorpusReader.readText(sc, data.source());
            where = data.source();
            pretrained.ifPresent(tokenizer -> tokenizer.requireCovers(text, where, vocabularyOrigin));
            split = CorpusSplit.ofText(text, data.validationFraction(), pretrained.orElse(null));
        }
        // the smallest share a trial may train on must still fill a batch
        double share = spec.space().get(Hyperparameter.DATA_FRACTION.name()).smallest();
        split.trainingShare(share).requireFits(share < 1 ? where + " at data_fraction " + share : where,
                (int) spec.space().get(Hyperparameter.SEQ_LENGTH.name()).largest(),
                (int) spec.space().get(Hyperparameter.BATCH_SIZE.name()).largest(), spec.training().evalBatches());
        return split;
    }
}
