package dev.psyarn.am;

import dev.psyarn.mapreduce.jobs.Preprocess;
import dev.psyarn.mapreduce.jobs.PreprocessException;
import dev.psyarn.mapreduce.jobs.PreprocessReport;
import dev.psyarn.spec.JobSpec;
import dev.psyarn.spec.Role;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PREPROCESSING state's work: runs the spec's MapReduce jobs on the same cluster from a
 * thread of its own, shows their progress, and ends it with a PREPROCESSED or PREPROCESS_FAILED
 * event on the AM's event thread.
 */
final class PreprocessStage implements Preprocessor {

  private static final Logger LOG = LoggerFactory.getLogger(PreprocessStage.class);

  private final Configuration conf;

  /**
   * Runs {@code body} as the job's submitter. On a Kerberos cluster, where the client shipped the
   * user's keytab, as its principal logged in afresh: MapReduce's client then gets each job's
   * tokens itself, however long the job has run. Otherwise with the tokens the client got: under
   * the DefaultContainerExecutor the AM's process is the NodeManager's user holding the submitter's
   * tokens, and MapReduce's client names its staging directory after the current user and checks
   * its owner, so the jobs are submitted as a user of the submitter's name ({@code USER}) holding
   * those tokens (less the AM's own AMRM token), as MapReduce's and DistributedShell's AMs do.
   */
  static void asSubmitter(Runnable body) {
    String owner = System.getenv(org.apache.hadoop.yarn.api.ApplicationConstants.Environment.USER.name());
    java.util.Optional<String> principal = TokenRefresher.shippedKeytabPrincipal();
    try {
      if (principal.isPresent()) {
        TokenRefresher.loginFromShippedKeytab(principal.get()).doAs((java.security.PrivilegedAction<Void>) () -> {
          body.run();
          return null;
        });
        return;
      }
      org.apache.hadoop.security.UserGroupInformation current =
          org.apache.hadoop.security.UserGroupInformation.getCurrentUser();
      if (!org.apache.hadoop.security.UserGroupInformation.isSecurityEnabled() || owner == null || owner.isEmpty()
          || owner.equals(current.getShortUserName())) {
        body.run();
        return;
      }
      org.apache.hadoop.security.Credentials tokens = current.getCredentials();
      tokens.getAllTokens().removeIf(t ->
          org.apache.hadoop.yarn.security.AMRMTokenIdentifier.KIND_NAME.equals(t.getKind()));
      org.apache.hadoop.security.UserGroupInformation submitter =
          org.apache.hadoop.security.UserGroupInformation.createRemoteUser(owner);
      submitter.addCredentials(tokens);
      submitter.doAs((java.security.PrivilegedAction<Void>) () -> {
        body.run();
        return null;
      });
    } catch (IOException e) {
      LOG.warn("cannot tell the AM's user ({}); preprocessing as the process's own", e.toString());
      body.run();
    }
  }

  /**
   * On a Kerberos cluster the AM submits the MapReduce jobs with the user's delegation tokens (the
   * client got ResourceManager and JobHistory tokens for it): the jobs must not cancel the tokens
   * they share with the job when they finish.
   */
  static Configuration forSecureSubmission(Configuration conf) {
    if (!org.apache.hadoop.security.UserGroupInformation.isSecurityEnabled()) {
      return conf;
    }
    Configuration secure = new Configuration(conf);
    secure.setBoolean("mapreduce.job.complete.cancel.delegation.tokens", false);
    return secure;
  }

  private final JobSpec spec;
  private final Path output;
  private final boolean ownOutput;
  /** Whether the output is an entry of the {@link PreprocessCache}: reused when whole, else made whole. */
  private final boolean cached;
  private final AmLoop loop;
  private final Map<String, Map<String, Object>> jobs = new ConcurrentHashMap<>();
  private volatile String state = "PENDING";
  private volatile PreprocessReport report;
  /** The status an earlier AM attempt's stage ended with; null when this attempt runs the stage. */
  private volatile Map<String, Object> restored;
  /** Whether the jobs run in this AM, and why; null until decided. */
  private volatile PreprocessPlacement placement;
  /** The stage's thread, once started. */
  private volatile Thread worker;

  /**
   * @param ownOutput whether the output is the application's own (a retried AM attempt may
   *     remove what an earlier one left), not one the user named
   */
  PreprocessStage(Configuration conf, JobSpec spec, Path output, boolean ownOutput, AmLoop loop) {
    this(conf, spec, output, ownOutput, false, loop);
  }

  /** A stage whose output is a cache entry ({@code cached}): reused when whole, else made and kept. */
  PreprocessStage(Configuration conf, JobSpec spec, Path output, boolean ownOutput, boolean cached, AmLoop loop) {
    this.conf = forSecureSubmission(conf);
    this.spec = spec;
    this.output = output;
    this.ownOutput = ownOutput;
    this.cached = cached;
    this.loop = loop;
  }

  @Override
  public EarlyServers earlyServers() {
    if (!conf.getBoolean(dev.psyarn.PsyarnConfig.SERVERS_DURING_PREPROCESSING, true) || !EarlyServers.allowed(spec)) {
      return null;
    }
    return runsInAm() ? EarlyServers.nothingReserved(conf) : EarlyServers.forJobs(conf);
  }

  /**
   * Whether the stage's jobs run inside this AM, decided once (the input's size is looked up) for the
   * event thread's early servers and the stage's thread alike.
   */
  synchronized boolean runsInAm() {
    PreprocessPlacement decided = placement;
    if (decided == null) {
      decided = PreprocessPlacement.decide(spec.preprocess(), conf, () -> Preprocess.inputBytes(conf, spec.preprocess()),
          Runtime.getRuntime().maxMemory(), mapThreads(), Runtime.getRuntime().availableProcessors());
      LOG.info("preprocessing runs {}: {}", decided.inAm() ? "in the ApplicationMaster" : "on the cluster",
          decided.why());
      placement = decided;
    }
    return decided.inAm();
  }

  /** How many map tasks the AM runs at a time: its vcores. */
  private int mapThreads() {
    return Math.max(1, spec.am().vcores());
  }

  /** The configuration the stage's jobs are submitted with: in this process, or to the cluster. */
  private Configuration jobConf() {
    if (!runsInAm()) {
      return conf;
    }
    int threads = mapThreads();
    LOG.info("the preprocessing jobs run on MapReduce's LocalJobRunner here, {} map task(s) at a time", threads);
    return Preprocess.inProcess(conf, threads, new java.io.File("preprocess-jobs").getAbsolutePath());
  }

  @Override
  public void start() {
    state = "RUNNING";
    Thread t = new Thread(() -> asSubmitter(this::run), "psyarn-preprocess");
    t.setDaemon(true);
    worker = t;
    t.start();
  }

  private void run() {
    try {
      FileSystem fs = output.getFileSystem(conf);
      PreprocessReport done;
      if (cached) {
        java.util.Optional<Map<String, Object>> kept = PreprocessCache.read(fs, output);
        if (kept.isPresent()) {
          Map<String, Object> status = new LinkedHashMap<>();
          status.put("state", "SUCCEEDED");
          status.put("reused", true);
          status.putAll(kept.get());
          restored = status;
          state = "SUCCEEDED";
          LOG.info("reusing the preprocessing output {}: same section, shard count and inputs", output);
          loop.post(new AmEvent(AmEvent.Type.PREPROCESSED));
          return;
        }
        done = runIntoCache(fs, jobConf());
      } else {
        if (ownOutput && fs.exists(output)) {
          LOG.info("removing {} left by an earlier attempt", output);
          fs.delete(output, true);
        }
        done = Preprocess.run(jobConf(), spec.preprocess(), output, spec.trainingShards(), this::onProgress);
      }
      report = done;
      state = "SUCCEEDED";
      LOG.info("preprocessing succeeded: {}", done.figures());
      loop.post(new AmEvent(AmEvent.Type.PREPROCESSED));
    } catch (PreprocessException e) {
      fail("preprocessing failed: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      fail("preprocessing was interrupted");
    } catch (Exception | LinkageError e) {
      LOG.error("preprocessing failed", e);
      fail("preprocessing failed: " + e);
    }
  }

  /**
   * Runs the jobs into a temporary directory beside the cache entry, marks it whole and renames it
   * to the entry; when another job made the entry meanwhile, that one is used.
   */
  private PreprocessReport runIntoCache(FileSystem fs, Configuration jobConf) throws Exception {
    String container = System.getenv(org.apache.hadoop.yarn.api.ApplicationConstants.Environment.CONTAINER_ID.name());
    String attempt = attemptTag(container);
    sweepEarlierAttempts(fs, output, attempt);
    Path tmp = new Path(output.getParent(), output.getName() + TMP + attempt);
    PreprocessReport made;
    try {
      made = Preprocess.run(jobConf, spec.preprocess(), tmp, spec.trainingShards(), this::onProgress);
    } catch (Exception | LinkageError e) {
      removeQuietly(fs, tmp); // a failed or stopped stage leaves no half-made entry behind
      throw e;
    }
    PreprocessReport done = new PreprocessReport(output.toString(),
        new Path(output, dev.psyarn.mapreduce.jobs.Preprocess.SHARDS).toString(), made.keySpace(), made.figures(),
        made.jobs());
    PreprocessCache.mark(fs, tmp, done.toMap(), container == null ? null
        : org.apache.hadoop.yarn.api.records.ContainerId.fromString(container).getApplicationAttemptId()
            .getApplicationId().toString());
    fs.mkdirs(output.getParent());
    if (!fs.rename(tmp, output)) {
      if (PreprocessCache.read(fs, output).isEmpty()) {
        throw new IOException("cannot move the preprocessing output " + tmp + " to " + output);
      }
      fs.delete(tmp, true);
      LOG.info("another job kept the same preprocessing output at {} meanwhile; using it", output);
    } else {
      LOG.info("preprocessing output kept at {} for jobs with the same section, shard count and inputs", output);
    }
    return done;
  }

  /** Between a cache entry's name and the attempt that makes it, in the entry's temporary name. */
  static final String TMP = ".tmp-";

  /**
   * {@code <application id>-<attempt number>} of the AM container {@code containerId} (YARN's
   * {@code CONTAINER_ID}), so that a later attempt knows what an earlier one left; a random name where
   * there is none (a stage run outside a container).
   */
  static String attemptTag(String containerId) {
    if (containerId != null && !containerId.isBlank()) {
      try {
        org.apache.hadoop.yarn.api.records.ApplicationAttemptId attempt =
            org.apache.hadoop.yarn.api.records.ContainerId.fromString(containerId).getApplicationAttemptId();
        return attempt.getApplicationId() + "-" + attempt.getAttemptId();
      } catch (IllegalArgumentException e) {
        LOG.debug("CONTAINER_ID {} is not a container id: {}", containerId, e.toString());
      }
    }
    return java.util.UUID.randomUUID().toString();
  }

  /**
   * Removes the temporary entries that earlier attempts of this application left beside {@code entry}
   * (an AM killed while its stage ran: YARN starts the next attempt only once that one's container has
   * ended, so nothing writes there any more). Other applications' are left alone: they may be running.
   */
  static void sweepEarlierAttempts(FileSystem fs, Path entry, String attempt) throws IOException {
    int dash = attempt.lastIndexOf('-');
    if (!attempt.startsWith("application_") || dash < 0) {
      return;
    }
    String prefix = entry.getName() + TMP + attempt.substring(0, dash + 1);
    if (!fs.exists(entry.getParent())) {
      return;
    }
    for (org.apache.hadoop.fs.FileStatus left : fs.listStatus(entry.getParent(),
        p -> p.getName().startsWith(prefix) && !p.getName().endsWith(TMP + attempt))) {
      LOG.info("removing {}, left by an earlier attempt of this application while it preprocessed", left.getPath());
      fs.delete(left.getPath(), true);
    }
  }

  private static void removeQuietly(FileSystem fs, Path tmp) {
    try {
      if (fs.delete(tmp, true)) {
        LOG.info("removed the unfinished preprocessing output {}", tmp);
      }
    } catch (IOException | RuntimeException e) {
      LOG.warn("could not remove the unfinished preprocessing output {}: {}", tmp, e.toString());
    }
  }

  private void fail(String diagnostics) {
    state = "FAILED";
    LOG.error(diagnostics);
    loop.post(new AmEvent.Fatal(AmEvent.Type.PREPROCESS_FAILED, diagnostics));
  }

  private void onProgress(String job, String id, float map, float reduce) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("id", id);
    row.put("map", map);
    if (!Float.isNaN(reduce)) {
      row.put("reduce", reduce); // a map-only job's has no meaning: left out
    }
    jobs.put(job, row);
    float done = 0;
    for (Map<String, Object> r : jobs.values()) {
      done += r.get("reduce") instanceof Float f ? ((Float) r.get("map") + f) / 2 : (Float) r.get("map");
    }
    float overall = done / Preprocess.jobNames(spec.preprocess()).size();
    loop.submit(lifecycle -> lifecycle.preprocessProgress(overall));
  }

  /** Kills the stage's MapReduce jobs that have started and not ended (the job was killed or failed). */
  @Override
  public void cancel() {
    if (!"RUNNING".equals(state)) {
      return;
    }
    state = "KILLED";
    Thread t = worker;
    PreprocessPlacement where = placement;
    if (where != null && where.inAm() && t != null) {
      t.interrupt(); // the stage's wait kills its job in this process
      return;
    }
    asSubmitter(this::killJobs);
  }

  private void killJobs() {
    try {
      org.apache.hadoop.mapreduce.Cluster cluster = new org.apache.hadoop.mapreduce.Cluster(conf);
      for (Map<String, Object> job : jobs.values()) {
        org.apache.hadoop.mapreduce.Job running = cluster.getJob(org.apache.hadoop.mapreduce.JobID.forName(
            String.valueOf(job.get("id"))));
        if (running != null && !running.isComplete()) {
          LOG.info("killing preprocessing job {}", job.get("id"));
          running.killJob();
        }
      }
    } catch (IOException | RuntimeException e) {
      LOG.warn("could not kill the preprocessing jobs: {}", e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void restore(Map<String, Object> status) {
    restored = new LinkedHashMap<>(status);
    state = "SUCCEEDED";
  }

  /** The stage for the status: state, jobs and their progress, and the figures once done. */
  @Override
  public Map<String, Object> status() {
    if (restored != null) {
      return restored;
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("state", state);
    out.put("output", output.toString());
    PreprocessPlacement where = placement;
    if (where != null) {
      out.put("ranIn", where.inAm() ? "am" : "cluster");
      out.put("ranInBecause", where.why());
    }
    Map<String, Object> byJob = new LinkedHashMap<>();
    for (String name : Preprocess.jobNames(spec.preprocess())) {
      if (jobs.containsKey(name)) {
        byJob.put(name, jobs.get(name));
      }
    }
    out.put("progress", byJob);
    PreprocessReport r = report;
    if (r != null) {
      out.putAll(r.toMap());
      if (cached) {
        out.put("reused", false);
      }
    }
    return out;
  }
}
