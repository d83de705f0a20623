package dev.psyarn.mapreduce.jobs;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.mapreduce.Counters;
import org.apache.hadoop.mapreduce.Job;
import org.apache.hadoop.mapreduce.JobStatus;
import org.apache.hadoop.mapreduce.TaskCompletionEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Submits one of the stage's MapReduce jobs and watches it to its end: its progress to the
 * listener, its figures (seconds, CPU, map tasks, whether it ran inside its AM) to the report, and
 * a failure as a {@link PreprocessException} with the job's diagnostics and where its logs are.
 */
final class JobWatch {

  /** Under the stage's name, as its lines were before this class was split from it. */
  private static final Logger LOG = LoggerFactory.getLogger(Preprocess.class);
  /** How often a job running in this process (MapReduce's LocalJobRunner) is looked at. */
  static final long IN_PROCESS_POLL_MS = 50;
  /** How often a job on the cluster is looked at. */
  static final long CLUSTER_POLL_MS = 500;

  private JobWatch() {}

  static void submit(Job job, String name) throws IOException, InterruptedException, PreprocessException {
    try {
      job.submit();
    } catch (ClassNotFoundException e) {
      throw new PreprocessException(null, "the " + name + " job could not be submitted: " + e.getMessage());
    }
    if (Preprocess.inProcess(job.getConfiguration())) {
      LOG.info("submitted the {} job {} in this process (LocalJobRunner, {} map tasks at a time)", name, job.getJobID(),
          job.getConfiguration().getInt(Preprocess.LOCAL_MAPS, 1));
    } else {
      LOG.info("submitted the {} job {}: {}", name, job.getJobID(), job.getTrackingURL());
    }
  }

  /** The job's page as YARN reports it, or null where there is none (a link is not worth a failed stage). */
  private static String trackingUrl(Job job) {
    try {
      return job.getTrackingURL();
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** Waits for {@code job} while reporting its progress; returns its counters once it succeeds. */
  static Counters await(Job job, String name, Preprocess.Listener listener, List<Map<String, Object>> jobs,
      long stageStart) throws IOException, InterruptedException, PreprocessException {
    String id = job.getJobID().toString();
    boolean mapOnly = job.getNumReduceTasks() == 0; // its reduce progress means nothing: NaN
    // A job in this process answers from memory: looking often costs nothing, and the stage goes on
    // as its last task ends (the workers wait for it); a cluster job's answers are two RPCs to its AM.
    long pollMs = Preprocess.inProcess(job.getConfiguration()) ? IN_PROCESS_POLL_MS : CLUSTER_POLL_MS;
    while (!job.isComplete()) {
      JobStatus now = job.getStatus(); // one call for both figures
      listener.progress(name, id, now.getMapProgress(), mapOnly ? Float.NaN : now.getReduceProgress());
      try {
        Thread.sleep(pollMs);
      } catch (InterruptedException e) {
        if (Preprocess.inProcess(job.getConfiguration())) {
          LOG.info("killing the {} job {} (this process's): the stage was stopped", name, id);
          job.killJob(); // its tasks are this process's threads: nothing else ends them
        }
        throw e;
      }
    }
    listener.progress(name, id, job.mapProgress(), mapOnly ? Float.NaN : job.reduceProgress());
    double seconds = (System.nanoTime() - stageStart) / 1e9;
    JobStatus st = job.getStatus();
    if (st.getStartTime() > 0 && st.getFinishTime() >= st.getStartTime()) {
      seconds = (st.getFinishTime() - st.getStartTime()) / 1000.0;
    }
    Map<String, Object> entry = new LinkedHashMap<>();
    entry.put("name", name);
    entry.put("id", id);
    entry.put("seconds", seconds);
    entry.put("state", job.getJobState().toString());
    boolean inProcess = Preprocess.inProcess(job.getConfiguration());
    String url = inProcess ? null : trackingUrl(job); // LocalJobRunner's is no page
    if (url != null && !url.isBlank()) {
      entry.put("trackingUrl", url); // the job's MapReduce page (its history server's once it is done)
    }
    jobs.add(entry);
    if (!job.isSuccessful()) {
      throw new PreprocessException(id, "MapReduce job " + id + " (" + name + ") " + job.getJobState()
          .toString().toLowerCase(java.util.Locale.ROOT) + ": " + diagnostics(job)
          + (inProcess ? " It ran in this process: its tasks' lines are in this process's log."
              : " Its logs: yarn logs -applicationId " + id.replace("job_", "application_")));
    }
    Counters counters = job.getCounters();
    if (inProcess) {
      // LocalJobRunner measures no task's CPU and launches no map of its own: the tasks count themselves.
      entry.put("mapTasks", counters.findCounter(PreprocessCounters.MAP_TASKS).getValue());
    } else {
      entry.put("cpuSeconds", counters.findCounter(org.apache.hadoop.mapreduce.TaskCounter.CPU_MILLISECONDS).getValue()
          / 1000.0);
      entry.put("gcSeconds", counters.findCounter(org.apache.hadoop.mapreduce.TaskCounter.GC_TIME_MILLIS).getValue()
          / 1000.0);
      entry.put("mapTasks", counters.findCounter(org.apache.hadoop.mapreduce.JobCounter.TOTAL_LAUNCHED_MAPS).getValue());
      mapSpan(job, st, entry);
    }
    // Whether its tasks ran inside the job's MapReduce AM (an uber job: no task JVM started).
    entry.put("uber", st.isUber());
    // Whether it ran inside the process that submitted it (MapReduce's LocalJobRunner): no YARN application.
    entry.put("inProcess", inProcess);
    // MapReduce's own count of the records its map tasks read (the rows, and a text file's header line).
    entry.put("mapInputRecords", counters.findCounter(org.apache.hadoop.mapreduce.TaskCounter.MAP_INPUT_RECORDS)
        .getValue());
    entry.put("shuffleBytes", counters.findCounter(org.apache.hadoop.mapreduce.TaskCounter.MAP_OUTPUT_MATERIALIZED_BYTES)
        .getValue());
    entry.put("spilledRecords", counters.findCounter(org.apache.hadoop.mapreduce.TaskCounter.SPILLED_RECORDS).getValue());
    LOG.info("the {} job {} succeeded in {} s: {}", name, id, String.format("%.1f", seconds), entry);
    return counters;
  }

  /**
   * Where a cluster job's time went: {@code mapsStartedAfterSeconds} from the job's start to its
   * first map task's (its MapReduce AM and the tasks' containers starting), {@code mapsSeconds}
   * from then to the last map task's end (the tasks at work), the rest the job's end (commit). Left
   * out when the task reports cannot be had: a figure is not worth a failed stage.
   */
  private static void mapSpan(Job job, JobStatus st, Map<String, Object> entry) {
    try {
      long first = Long.MAX_VALUE;
      long last = 0;
      for (org.apache.hadoop.mapreduce.TaskReport r : job.getTaskReports(org.apache.hadoop.mapreduce.TaskType.MAP)) {
        if (r.getStartTime() > 0 && r.getFinishTime() >= r.getStartTime()) {
          first = Math.min(first, r.getStartTime());
          last = Math.max(last, r.getFinishTime());
        }
      }
      if (last > 0 && st.getStartTime() > 0 && first >= st.getStartTime()) {
        entry.put("mapsStartedAfterSeconds", (first - st.getStartTime()) / 1000.0);
        entry.put("mapsSeconds", (last - first) / 1000.0);
      }
    } catch (IOException | RuntimeException e) {
      LOG.debug("no task reports for the figures of {}: {}", job.getJobID(), e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The job's failure info and the first failed task's last diagnostic. */
  private static String diagnostics(Job job) throws IOException, InterruptedException {
    JobStatus status = job.getStatus();
    StringBuilder out = new StringBuilder(status.getFailureInfo() == null ? "" : status.getFailureInfo().strip());
    for (TaskCompletionEvent e : job.getTaskCompletionEvents(0, 100)) {
      if (e.getStatus() == TaskCompletionEvent.Status.FAILED) {
        String[] d = job.getTaskDiagnostics(e.getTaskAttemptId());
        if (d != null && d.length > 0) {
          String first = d[d.length - 1].strip().split("\n")[0];
          out.append(" Task ").append(e.getTaskAttemptId()).append(": ").append(first);
          break;
        }
      }
    }
    return out.toString();
  }
}
