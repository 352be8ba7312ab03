package io.hpo.worker.bench;

import io.hpo.space.Hyperparameter;
import io.hpo.space.Hyperparameters;
import io.hpo.space.spec.SearchSpec;
import io.hpo.worker.data.CorpusSplit;
import io.hpo.worker.data.TokenBatches;
import io.hpo.worker.model.LossEvaluator;
import io.hpo.worker.model.TransformerModel;
import io.hpo.worker.trial.ModelState;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.dataset.DataSet;

import java.util.List;
import java.util.Random;

/**
 * A trial that trains the real transformer in this JVM (plain {@code ComputationGraph.fit}, no Spark). Its test loss
 * covers every test window, in batches of the space's largest batch size.
 */
final class TransformerTraining implements TrialTraining {

    private final List<DataSet> validation;
    private final List<DataSet> test;
    private final int[] train;
    private final Random windows;
    private final int vocabSize;
    private final int maxSteps;
    private final long seed;
    private ComputationGraph net;
    private Hyperparameters hp;

    private TransformerTraining(SearchSpec spec, ThreeWaySplit split, Hyperparameters hp, int index) {
        this.seed = spec.seed() * 7919 + index;
        CorpusSplit data = split.search();
        this.vocabSize = data.tokenizer().vocabSize();
        this.maxSteps = spec.budget().maxStepsPerTrial();
        this.net = TransformerModel.build(hp, vocabSize, maxSteps, seed);
        // as the driver does: every trial is scored on the same windows, batches of the space's largest batch size
        int batchSize = (int) spec.space().get(Hyperparameter.BATCH_SIZE.name()).largest();
        this.validation = TokenBatches.validationBatches(data.validation(), hp.seqLength(), batchSize,
                spec.training().evalBatches());
        this.test = TokenBatches.validationBatches(split.test(), hp.seqLength(), batchSize, Integer.MAX_VALUE);
        this.train = data.train();
        this.hp = hp;
        this.windows = new Random(seed);
    }

    static TrialTraining.Factory on(SearchSpec spec, ThreeWaySplit data) {
        return (hp, index) -> new TransformerTraining(spec, data, hp, index);
    }

    @Override
    public void step() {
        net.fit(TokenBatches.randomWindows(train, hp.seqLength(), hp.batchSize(), windows));
    }

    @Override
    public double validationLoss() {
        return LossEvaluator.meanTokenLoss(net, validation);
    }

    @Override
    public double testLoss() {
        return LossEvaluator.meanTokenLoss(net, test);
    }

    /** As the driver's population members do: a network built for {@code hp}, given the donor's state and step. */
    @Override
    public void takeOver(TrialTraining donor, Hyperparameters explored) {
        ComputationGraph from = ((TransformerTraining) donor).net;
        ComputationGraph next = TransformerModel.build(explored, vocabSize, maxSteps, seed);
        ModelState.of(from).applyTo(next);
        next.getConfiguration().setIterationCount(from.getConfiguration().getIterationCount());
        net = next;
        hp = explored;
    }

    @Override
    public long parameters() {
        return net.numParams();
    }
}
