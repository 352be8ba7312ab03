package io.hpo.worker.bench;

import io.hpo.worker.data.CharTokenizer;
import io.hpo.worker.data.CorpusSplit;
import io.hpo.worker.data.QuestionFormationCorpus;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The benchmark's demo data three ways: what a search sees (training and validation, exactly the split the benchmark
 * used before it had a test split: the first {@code sentences} lines of the seed) and test lines no strategy sees.
 * Pruning and ranking both use the validation windows, so the best validation loss of a search that ran more trials
 * is biased low; the test loss of the configuration it chose is not. The test lines are the next lines the same
 * generator draws, as many as the validation has, less any line that also occurs among the searched ones, so no
 * test window repeats a training or validation sentence.
 *
 * @param search what the trials train and are ranked on
 * @param test   token ids of the held-out lines, encoded with the search's vocabulary
 */
record ThreeWaySplit(CorpusSplit search, int[] test) {

    static ThreeWaySplit demo(int sentences, double validationFraction, long seed) {
        int testLines = (int) Math.max(1, Math.round(sentences * validationFraction));
        List<String> all = QuestionFormationCorpus.generate(sentences + testLines, seed);
        List<String> searched = all.subList(0, sentences);
        Set<String> seen = new HashSet<>(searched);
        List<String> held = all.subList(sentences, all.size()).stream().filter(l -> !seen.contains(l)).toList();
        if (held.isEmpty()) {
            throw new IllegalStateException("every one of the " + testLines + " test lines of seed " + seed
                    + " repeats a searched line: raise sentences");
        }
        // built on all the text, as CorpusSplit builds it, so the test characters have ids of their own
        CharTokenizer tokenizer = CharTokenizer.fromText(String.join("\n", all) + "\n");
        CorpusSplit search = CorpusSplit.ofLines(searched, validationFraction, seed, tokenizer);
        return new ThreeWaySplit(search, tokenizer.encode(String.join("\n", held) + "\n"));
    }
}
