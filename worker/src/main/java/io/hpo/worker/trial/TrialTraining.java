package io.hpo.worker.trial;

import io.hpo.worker.data.CorpusSplit;

/** Trains one attempt of a trial: {@link TrialRunner} on Spark in a search, a stand-in in the driver's unit tests. */
public interface TrialTraining {

    /**
     * @param observer hears every validation evaluation
     * @param stop     polled between rounds, after the round's evaluation reached {@code observer}: a request ends the
     *                 trial there with the request's outcome and reason
     */
    TrainingResult run(TrialPlan plan, CorpusSplit data, TrialObserver observer, StopSignal stop);

    /** Stops the trial's work already under way, from any thread. */
    void cancel(TrialPlan plan);
}
