package io.hpo.driver;

import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.TaskInfo;
import org.apache.spark.executor.TaskMetrics;
import scala.collection.JavaConverters;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Where the Spark jobs of some searches spend their time, from Spark's own listener events and task metrics: the
 * jobs are told apart by their job group, which {@code TrialRunner} names after the search and trial. Costs nothing
 * the searches would notice (Spark's listener bus delivers on its own thread), unlike sampling every thread's stack.
 */
final class SparkJobTimes extends SparkListener {
    private final String groupPrefix;
    private final Map<Integer, Long> jobStarts = new ConcurrentHashMap<>();
    private final Map<Integer, Integer> stageJobs = new ConcurrentHashMap<>();
    private final Map<Integer, Long> lastTaskEnds = new ConcurrentHashMap<>();
    private final AtomicLong jobsEnded = new AtomicLong();
    private final LongAdder jobMs = new LongAdder();
    private final LongAdder toLaunchMs = new LongAdder();
    private final LongAdder deserializeMs = new LongAdder();
    private final LongAdder runMs = new LongAdder();
    private final LongAdder resultSerializeMs = new LongAdder();
    private final LongAdder taskMs = new LongAdder();
    private final LongAdder gcMs = new LongAdder();
    private final LongAdder afterTaskMs = new LongAdder();
    private final LongAdder resultBytes = new LongAdder();

    /** @param searchIds the start of the ids of the searches whose jobs count */
    SparkJobTimes(String searchIds) {
        this.groupPrefix = searchIds;
    }

    @Override
    public void onJobStart(SparkListenerJobStart start) {
        Properties p = start.properties();
        String group = p == null ? null : p.getProperty("spark.jobGroup.id");
        if (group != null && group.startsWith(groupPrefix)) {
            jobStarts.put(start.jobId(), start.time());
            for (Object stage : JavaConverters.seqAsJavaList(start.stageIds())) {
                stageJobs.put((Integer) stage, start.jobId());
            }
        }
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd end) {
        Integer job = stageJobs.get(end.stageId());
        if (job == null || end.taskMetrics() == null) {
            return;
        }
        TaskInfo task = end.taskInfo();
        TaskMetrics metrics = end.taskMetrics();
        toLaunchMs.add(task.launchTime() - jobStarts.get(job));
        deserializeMs.add(metrics.executorDeserializeTime());
        runMs.add(metrics.executorRunTime());
        resultSerializeMs.add(metrics.resultSerializationTime());
        taskMs.add(task.finishTime() - task.launchTime());
        gcMs.add(metrics.jvmGCTime());
        resultBytes.add(metrics.resultSize());
        lastTaskEnds.merge(job, task.finishTime(), Math::max);
    }

    @Override
    public void onJobEnd(SparkListenerJobEnd end) {
        Long started = jobStarts.get(end.jobId());
        if (started != null) {
            jobMs.add(end.time() - started);
            afterTaskMs.add(end.time() - lastTaskEnds.getOrDefault(end.jobId(), end.time()));
            jobsEnded.incrementAndGet();
        }
    }

    /** Waits (up to 10 s) for the listener bus to deliver the end of every job that started. */
    SparkJobTimes awaitJobsEnded() throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (jobsEnded.get() < jobStarts.size() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        return this;
    }

    long jobs() {
        return jobsEnded.get();
    }

    /** The jobs' time from submitted to ended, in milliseconds, all together. */
    double jobMs() {
        return jobMs.sum();
    }

    /** The time their tasks ran (Spark's executorRunTime), in milliseconds, all together. */
    double taskRunMs() {
        return runMs.sum();
    }

    /** Milliseconds per trial of the search's jobs: their whole span and its parts, in order. */
    Map<String, Double> perTrial(int trials) {
        Map<String, Double> parts = new LinkedHashMap<>();
        parts.put("Spark jobs, submitted to ended", jobMs.sum() / (double) trials);
        parts.put("  job submitted to task launched (stage, task binary broadcast, scheduling)",
                toLaunchMs.sum() / (double) trials);
        parts.put("  task deserialised (its closure, the model state shipped in it, the minibatches)",
                deserializeMs.sum() / (double) trials);
        parts.put("  task ran (model rebuilt, training, steps published and acknowledged)",
                runMs.sum() / (double) trials);
        parts.put("    of which JVM garbage collection", gcMs.sum() / (double) trials);
        parts.put("  task result serialised (" + resultBytes.sum() / Math.max(1, jobs()) / 1024 + " KiB a job)",
                resultSerializeMs.sum() / (double) trials);
        parts.put("  rest of the task's launch and return",
                (taskMs.sum() - deserializeMs.sum() - runMs.sum() - resultSerializeMs.sum()) / (double) trials);
        parts.put("  last task ended to job ended", afterTaskMs.sum() / (double) trials);
        return parts;
    }
}
