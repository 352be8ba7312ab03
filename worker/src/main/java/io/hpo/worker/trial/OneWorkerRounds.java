package io.hpo.worker.trial;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.dataset.DataSet;

import java.io.Serializable;
import java.util.Iterator;
import java.util.List;

/**
 * Rounds of a one-worker trial: one Spark task per round trains the driver's model, its optimizer state included, on
 * the round's minibatches and sends the result back. Nothing is averaged, so dl4j-spark's machinery (three
 * broadcasts, a worker instance, an aggregation) is left out. Measured on tiny trials (docs/benchmarks.md, At
 * scale): a fifth less slot time per trial on a loaded machine, no difference beyond noise on a quiet one. The steps
 * are exactly those the model would take in one JVM ({@code TrialRunnerTest}).
 */
final class OneWorkerRounds implements RoundTraining {
    private final JavaSparkContext sc;
    private final ComputationGraph net;
    /** Shipped with every round: small, and parsed on the executor as dl4j-spark's workers parse theirs. */
    private final String configuration;
    private double score = Double.NaN;

    OneWorkerRounds(JavaSparkContext sc, ComputationGraph net) {
        this.sc = sc;
        this.net = net;
        this.configuration = net.getConfiguration().toJson();
    }

    @Override
    public void fit(JavaRDD<DataSet> round, long firstStep, StepMetricsListener listener) {
        Broadcast<ModelState> start = sc.broadcast(ModelState.of(net));
        try {
            List<TrainedRound> trained = round.mapPartitions(new RoundTask(configuration, start, (int) firstStep,
                    listener)).collect();
            if (trained.size() != 1) {
                throw new IllegalStateException("a one-worker round returned " + trained.size() + " models");
            }
            trained.get(0).model().applyTo(net);
            score = trained.get(0).score();
        } finally {
            start.destroy();
        }
    }

    @Override
    public ComputationGraph network() {
        return net;
    }

    @Override
    public double score() {
        return score;
    }

    /** What a round's task sends back: the trained model and its score on the round's last minibatch. */
    record TrainedRound(ModelState model, double score) implements Serializable {
    }

    /** The round on the executor: the model rebuilt from the configuration and the round's starting state. */
    private record RoundTask(String configuration, Broadcast<ModelState> start, int firstIteration,
                             StepMetricsListener listener) implements FlatMapFunction<Iterator<DataSet>, TrainedRound> {

        @Override
        public Iterator<TrainedRound> call(Iterator<DataSet> minibatches) {
            ComputationGraphConfiguration conf = ComputationGraphConfiguration.fromJson(configuration);
            // the schedule and Adam's bias correction go on from the trial's global step
            conf.setIterationCount(firstIteration);
            ComputationGraph worker = new ComputationGraph(conf);
            // in local mode the broadcast value is the driver's own arrays: train on copies
            worker.init(start.value().params().dup(), false);
            if (start.value().updaterState() != null) {
                worker.getUpdater().getStateViewArray().assign(start.value().updaterState());
            }
            worker.setListeners(listener);
            while (minibatches.hasNext()) {
                worker.fit(minibatches.next());
            }
            return List.of(new TrainedRound(ModelState.of(worker), worker.score())).iterator();
        }
    }
}
