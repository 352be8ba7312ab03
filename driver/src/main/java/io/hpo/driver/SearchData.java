package io.hpo.driver;

import io.hpo.space.Hyperparameters;
import io.hpo.space.spec.DataSpec;
import io.hpo.space.spec.SearchSpec;
import io.hpo.worker.data.CorpusSplit;
import io.hpo.worker.data.QuestionFormationCorpus;
import io.hpo.worker.data.TextCorpusReader;
import org.apache.spark.api.java.JavaSparkContext;

/** Loads a search's data once on the driver and splits it; every trial of the search trains on the same split. */
final class SearchData {
    private SearchData() {
    }

    /**
     * The split, checked against the largest batch_size and seq_length the space can draw, so that data too small
     * for some trial fails the search before any trial starts (a {@link io.hpo.worker.data.DataException}).
     */
    static CorpusSplit load(SearchSpec spec, JavaSparkContext sc) {
        DataSpec data = spec.data();
        CorpusSplit split;
        String where;
        if (data.isDemo()) {
            split = CorpusSplit.ofLines(QuestionFormationCorpus.generate(data.demoSentences(), spec.seed()),
                    data.validationFraction(), spec.seed());
            where = "the demo corpus (" + data.demoSentences() + " demo_sentences)";
        } else {
            split = CorpusSplit.ofText(TextCorpusReader.readText(sc, data.source()), data.validationFraction());
            where = data.source();
        }
        split.requireFits(where, (int) spec.space().get(Hyperparameters.SEQ_LENGTH).largest(),
                (int) spec.space().get(Hyperparameters.BATCH_SIZE).largest(), spec.training().evalBatches());
        return split;
    }
}
