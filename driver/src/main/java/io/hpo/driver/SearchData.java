package io.hpo.driver;

import io.hpo.space.spec.DataSpec;
import io.hpo.worker.data.CorpusSplit;
import io.hpo.worker.data.QuestionFormationCorpus;
import io.hpo.worker.data.TextCorpusReader;
import org.apache.spark.api.java.JavaSparkContext;

/** Loads a search's data once on the driver and splits it; every trial of the search trains on the same split. */
final class SearchData {
    private SearchData() {
    }

    static CorpusSplit load(DataSpec data, JavaSparkContext sc, long seed) {
        if (data.isDemo()) {
            return CorpusSplit.ofLines(QuestionFormationCorpus.generate(data.demoSentences(), seed),
                    data.validationFraction(), seed);
        }
        return CorpusSplit.ofText(TextCorpusReader.readText(sc, data.source()), data.validationFraction());
    }
}
