package dev.psyarn.am;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.psyarn.PsyarnConfig;
import dev.psyarn.ps.api.ConfiguredApp;
import dev.psyarn.ps.transport.AppSecret;
import dev.psyarn.ps.transport.RpcServer;
import dev.psyarn.ps.wire.Protocols;
import dev.psyarn.runtime.HdfsCloseWait;
import dev.psyarn.spec.JobSpec;
import dev.psyarn.spec.JobSpecParser;
import dev.psyarn.specs.SpecNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.security.Credentials;
import org.apache.hadoop.security.UserGroupInformation;
import org.apache.hadoop.yarn.api.ApplicationConstants;
import org.apache.hadoop.yarn.api.records.Container;
import org.apache.hadoop.yarn.api.records.ContainerId;
import org.apache.hadoop.yarn.api.records.FinalApplicationStatus;
import org.apache.hadoop.yarn.client.api.AMRMClient;
import org.apache.hadoop.yarn.client.api.AMRMClient.ContainerRequest;
import org.apache.hadoop.yarn.client.api.async.AMRMClientAsync;
import org.apache.hadoop.yarn.client.api.async.NMClientAsync;
import org.apache.hadoop.yarn.conf.YarnConfiguration;
import org.apache.hadoop.yarn.webapp.util.WebAppUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ApplicationMaster's process: wires the services, registers with the ResourceManager, waits
 * for the lifecycle's outcome and ends through the one {@link #finish} path.
 */
public final class ApplicationMaster {

  /** The AM process's exit codes. */
  enum ExitCode {
    /** Unregistered; the job succeeded. */
    SUCCEEDED(0),
    /** Unregistered; the job failed (the diagnostics say why). */
    JOB_FAILED(1),
    /** The AM itself failed before it could unregister; YARN may retry it. */
    AM_ERROR(2);

    final int code;

    ExitCode(int code) {
      this.code = code;
    }
  }

  static {
    dev.psyarn.ps.container.JvmFigures.mainStarted(); // its registration line tells the node's launch from the JVM's own work
    dev.psyarn.ps.container.JvmLogging.install(); // before anything logs
  }

  private static final Logger LOG = LoggerFactory.getLogger(ApplicationMaster.class);
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final Configuration conf;
  private final AmEnv env;
  private final JobSpec spec;
  private final ConfiguredApp<?, ?, ?> app;
  private final String appId;
  private final String user;
  /** This AM's attempt, from 1. */
  private final int attempt;
  private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "psyarn-am-timers");
    t.setDaemon(true);
    return t;
  });
  /** Counted down once {@link #finish} is done, for the termination hook to wait on. */
  private final java.util.concurrent.CountDownLatch finished = new java.util.concurrent.CountDownLatch(1);

  ApplicationMaster(Configuration conf, AmEnv env, JobSpec spec, String appId, String user, int attempt) {
    this.attempt = attempt;
    this.conf = conf;
    this.env = env;
    this.spec = spec;
    this.appId = appId;
    this.user = user;
    this.app = spec.app();
  }

  public static void main(String[] args) {
    ExitCode code;
    try {
      // Before its first FileSystem: its HDFS client keeps the settings it was made with.
      Configuration conf = HdfsCloseWait.apply(new YarnConfiguration());
      AmEnv env = AmEnv.from(System.getenv());
      // The app's own jars (app.jars), localized next to the spec; its classes are found there.
      JobSpec spec = JobSpecParser.parse(Files.readString(AmEnv.specFile()),
          dev.psyarn.ps.api.Applications.fromEnvironment(System.getenv(), ApplicationMaster.class.getClassLoader()));
      ContainerId self = ContainerId.fromString(System.getenv(ApplicationConstants.Environment.CONTAINER_ID.name()));
      // Who submitted the job: YARN's USER (under the DefaultContainerExecutor on a secure cluster the
      // process runs as the NodeManager's user, and acts as the submitter with the submitter's tokens).
      String submitter = System.getenv(ApplicationConstants.Environment.USER.name());
      String user = submitter != null && !submitter.isEmpty() ? submitter
          : UserGroupInformation.getCurrentUser().getShortUserName();
      code = new ApplicationMaster(conf, env, spec, self.getApplicationAttemptId().getApplicationId().toString(), user,
          self.getApplicationAttemptId().getAttemptId()).run();
    } catch (Throwable t) {
      LOG.error("the ApplicationMaster failed", t);
      code = ExitCode.AM_ERROR;
    }
    LOG.info("ApplicationMaster exiting with {} ({})", code.code, code);
    System.exit(code.code);
  }

  /**
   * Builds the AM's parts in the order they need each other (everything that reports does so by
   * posting to the loop, so nothing is bound late), registers, runs the loop until the job's
   * outcome is known, and finishes.
   */
  ExitCode run() throws Exception {
    String host = System.getenv(ApplicationConstants.Environment.NM_HOST.name());
    AmLoop loop = new AmLoop();
    ChartHistory history = new ChartHistory(env.submitTimeMs());
    // The metrics system and the web server (Jetty and its servlets; its Prometheus sink joins the
    // metrics system) start beside the rest of the AM's start: the web server's address is needed
    // only to register, and the AM's own source may be registered before the system starts.
    CompletableFuture<AmWebServer> webStarting = CompletableFuture.supplyAsync(() -> {
      try {
        org.apache.hadoop.metrics2.lib.DefaultMetricsSystem.initialize("psyarn");
        return AmWebServer.start(conf, host, () -> statusNow(loop), history::toMap, user);
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }, task -> new Thread(task, "psyarn-am-web-start").start());
    try {
      return run(host, loop, history, webStarting);
    } finally {
      if (!webTaken) {
        // Started but never taken (the AM failed before registering): stopped all the same.
        webStarting.thenAccept(AmWebServer::close);
      }
    }
  }

  private ExitCode run(String host, AmLoop loop, ChartHistory history, CompletableFuture<AmWebServer> webStarting)
      throws Exception {
    Credentials credentials = UserGroupInformation.getCurrentUser().getCredentials();
    AppSecret secret = dev.psyarn.ps.container.ContainerSecret.from(credentials);
    FileSystem fs = FileSystem.get(conf);
    Path staging = new Path(env.stagingDir());

    JobProgress progress = new JobProgress(spec.preprocesses());
    AMRMClient<ContainerRequest> rm = AMRMClient.createAMRMClient();
    int heartbeatMs = conf.getInt(PsyarnConfig.AM_RM_HEARTBEAT_MS, PsyarnConfig.AM_RM_HEARTBEAT_MS_DEFAULT);
    AllocationPace pace = new AllocationPace(heartbeatMs,
        conf.getInt(PsyarnConfig.AM_RM_HEARTBEAT_WAITING_MS, PsyarnConfig.AM_RM_HEARTBEAT_WAITING_MS_DEFAULT));
    AMRMClientAsync<ContainerRequest> amrm = AMRMClientAsync.createAMRMClientAsync(rm, heartbeatMs,
        new AmRmCallbacks(loop, progress, pace));
    pace.drive(amrm::setHeartbeatInterval);
    NMClientAsync nm = NMClientAsync.createNMClientAsync(new NmCallbacks(loop));
    amrm.init(conf);
    nm.init(conf);
    amrm.start();
    nm.start();
    // Preprocessing output goes to the cache entry of its inputs and section (reused when whole),
    // to the spec's own output, or to the staging directory when the cache is off.
    java.util.Optional<Path> cacheEntry = PreprocessCache.entry(conf, spec);
    String preprocessOutput = cacheEntry.map(Path::toString).orElse(spec.preprocesses()
        ? spec.preprocessOutput(env.stagingDir()) : null);
    // The MapReduce jobs run from the AM's own jar on the cluster's file system: nothing to upload.
    Configuration preprocessConf = new Configuration(conf);
    preprocessConf.set(dev.psyarn.mapreduce.jobs.Preprocess.JOB_JAR,
        LaunchContexts.qualified(fs, new Path(env.jarLocation(), AmEnv.JAR).toString()));
    PreprocessStage preprocess = spec.preprocesses() ? new PreprocessStage(preprocessConf, spec, new Path(preprocessOutput),
        spec.preprocess().output() == null, cacheEntry.isPresent(), loop) : null;
    // With more than one attempt, each attempt journals what the next needs to take the job over.
    AmJournal amJournal = spec.maxAppAttempts() > 1 ? new AmJournal(fs, staging) : null;
    AmJournal.State earlier = amJournal != null && attempt > 1 ? amJournal.load().orElse(null) : null;
    if (attempt > 1) {
      LOG.info("attempt {} of {}: {}", attempt, appId, earlier == null ? "no journal of the earlier attempt; "
          + "starting the job over" : "taking the job over from the earlier attempt");
    }
    try (RpcServer control = RpcServer.start(dev.psyarn.ps.transport.BindAddress.of(host), secret, Protocols.CONTROL,
        new ControlPlane(loop, history, Clock.systemUTC()), "control plane")) {
      LaunchContexts contexts = LaunchContexts.create(conf, fs, env, spec, credentials,
          PsyarnConfig.applicationAcls(conf), host, control.port(), preprocessOutput);
      ContainerLauncher launcher = new ContainerLauncher(nm, contexts,
          conf.getInt(PsyarnConfig.CONTAINER_HEARTBEAT_MS, PsyarnConfig.CONTAINER_HEARTBEAT_MS_DEFAULT));
      AmRmScheduler scheduler = new AmRmScheduler(rm, conf, pace);
      JobLifecycle lifecycle = new JobLifecycle(spec, app, preprocess, new RoleAllocator(spec, scheduler), launcher,
          (event, delayMs) -> timers.schedule(() -> loop.post(event), delayMs, TimeUnit.MILLISECONDS),
          Clock.systemUTC(), env.submitTimeMs(), earlier, journal(amJournal), progress);
      org.apache.hadoop.metrics2.lib.DefaultMetricsSystem.instance().register(AmMetrics.RECORD,
          "the psyarn job: containers, servers' keys and traffic, results",
          AmMetrics.of(loop, () -> statusNow(loop)));
      try (AmWebServer web = started(webStarting)) {
        // (A page asked for before the loop runs waits for it: the loop starts right after registering.)
        String trackingUrl = "http://" + host + ":" + web.port() + "/";
        if (amJournal != null) {
          writeEndpoint(fs, new Path(staging, AmEnv.ENDPOINT), host + ":" + control.port());
        }
        lifecycle.beforeRegistering();
        org.apache.hadoop.yarn.api.protocolrecords.RegisterApplicationMasterResponse registration =
            amrm.registerApplicationMaster(host, control.port(), trackingUrl);
        scheduler.registered(registration.getSchedulerResourceTypes());
        List<Container> kept = registration.getContainersFromPreviousAttempts();
        LOG.info("registered {} with the ResourceManager; tracking URL {} ({})", appId, trackingUrl,
            dev.psyarn.ps.container.JvmFigures.sinceStart());
        if (earlier == null && !kept.isEmpty()) {
          LOG.warn("releasing {} containers of an earlier attempt that left no journal", kept.size());
          kept.forEach(c -> amrm.releaseAssignedContainer(c.getId()));
          kept = List.of();
        }
        List<Container> takenOver = kept;
        java.util.Optional<TimelinePublisher> timeline = timeline(loop, amrm);
        tokens = TokenRefresher.start(conf, spec, staging, fresh -> renewed(fresh, contexts, loop)).orElse(null);
        if (env.jarsKept()) {
          // The kept jars this job localizes stay while it runs: a later submission removes only
          // entries untouched for days (client.JarCache).
          Path jars = new Path(env.jarDir());
          FileSystem jarFs = jars.toUri().getScheme() == null ? fs : jars.getFileSystem(conf);
          timers.scheduleAtFixedRate(() -> touch(jarFs, jars), 0, 12, TimeUnit.HOURS);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> onTerminate(lifecycle, loop), "psyarn-am-terminate"));
        loop.submit(l -> l.amRegistered(takenOver));
        JobLifecycle.Outcome outcome = loop.run(lifecycle);
        loop.continueInBackground(lifecycle);
        try {
          return finish(outcome, amrm, fs, loop, history, timeline);
        } finally {
          finished.countDown();
        }
      }
    } finally {
      if (tokens != null) {
        tokens.close();
      }
      nm.stop();
      amrm.stop();
      timers.shutdownNow();
    }
  }

  /** Whether {@link #started} took the web server (its closing is then the caller's). */
  private boolean webTaken;

  /** The web server started beside the AM's start, or what stopped it from starting. */
  private AmWebServer started(CompletableFuture<AmWebServer> starting) throws IOException {
    webTaken = true;
    try {
      return starting.join();
    } catch (java.util.concurrent.CompletionException e) {
      if (e.getCause() instanceof java.io.UncheckedIOException io) {
        throw io.getCause();
      }
      throw e;
    }
  }

  private static void touch(FileSystem fs, Path dir) {
    try {
      fs.setTimes(dir, System.currentTimeMillis(), -1);
    } catch (IOException | RuntimeException e) {
      LOG.warn("could not mark the kept jars {} as in use: {}", dir, e.toString());
    }
  }

  /** Renews the job's delegation tokens where the client gave a keytab; null otherwise. */
  private TokenRefresher tokens;

  /** Renewed tokens go to the containers launched from now on and, with their next heartbeat, to the running ones. */
  private static void renewed(Credentials fresh, LaunchContexts contexts, AmLoop loop) {
    try {
      Credentials all = UserGroupInformation.getCurrentUser().getCredentials();
      contexts.renewedTokens(all);
      byte[] encoded = dev.psyarn.ps.container.RenewedTokens.encode(fresh);
      loop.submit(lifecycle -> lifecycle.requests().renewedTokens(encoded));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /**
   * Where the cluster runs the Timeline service (v1.x or v2), a publisher of the job's events, fed the
   * job's status whenever the AM's state or a container's changes (checked after every event on
   * the event thread, two numbers compared); nothing otherwise, or when the client cannot start
   * (the job goes on).
   */
  private java.util.Optional<TimelinePublisher> timeline(AmLoop loop, AMRMClientAsync<ContainerRequest> amrm) {
    java.util.Optional<TimelinePublisher> publisher;
    try {
      publisher = TimelinePublisher.start(conf, appId, user, spec.name(), env.submitTimeMs(), amrm);
    } catch (RuntimeException e) {
      LOG.warn("the Timeline service is enabled, but its client did not start (the job goes on without it): {}",
          e.toString());
      return java.util.Optional.empty();
    }
    publisher.ifPresent(t -> {
      AmState[] seenState = {null};
      long[] seenChanges = {-1};
      loop.afterEach(lifecycle -> {
        if (lifecycle.state() != seenState[0] || lifecycle.containers().stateChanges() != seenChanges[0]) {
          seenState[0] = lifecycle.state();
          seenChanges[0] = lifecycle.containers().stateChanges();
          t.observe(snapshot(lifecycle), System.currentTimeMillis()); // the put itself goes out on its own thread
        }
      });
    });
    return publisher;
  }

  /** Saves the journal where there is one; a failed save is logged, not fatal. */
  private static JobLifecycle.Journal journal(AmJournal amJournal) {
    if (amJournal == null) {
      return JobLifecycle.Journal.NONE;
    }
    return state -> {
      try {
        amJournal.save(state);
      } catch (IOException e) {
        LOG.warn("could not save the AM's journal: {}", e.toString());
      }
    };
  }

  /** Where this attempt listens, for containers that outlive the earlier one; replaced whole. */
  private static void writeEndpoint(FileSystem fs, Path file, String endpoint) throws IOException {
    Path tmp = new Path(file.getParent(), file.getName() + ".tmp");
    try (OutputStream out = fs.create(tmp, true)) {
      out.write(endpoint.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
    org.apache.hadoop.fs.FileContext.getFileContext(fs.getUri(), fs.getConf())
        .rename(tmp, fs.makeQualified(file), org.apache.hadoop.fs.Options.Rename.OVERWRITE);
  }

  /**
   * A SIGTERM before the job ended (yarn application -kill, or the RM ending the attempt): end it as
   * KILLED and give {@link #finish} the few seconds YARN allows to write the report.
   */
  private void onTerminate(JobLifecycle lifecycle, AmLoop loop) {
    if (!lifecycle.outcome().isDone()) {
      LOG.warn("terminated by YARN before the job ended; writing the report as KILLED");
      loop.post(new AmEvent.Fatal(AmEvent.Type.KILL_REQUESTED,
          "killed by YARN (the ApplicationMaster was terminated: yarn application -kill, or the ResourceManager)"));
    }
    try {
      finished.await(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The one way out: report, unregister with the final status and diagnostics, clean up. */
  private ExitCode finish(JobLifecycle.Outcome outcome, AMRMClientAsync<ContainerRequest> amrm, FileSystem fs,
      AmLoop loop, ChartHistory history, java.util.Optional<TimelinePublisher> timeline) throws Exception {
    LOG.info("job {}: {}", outcome.state(), outcome.diagnostics());
    Path staging = new Path(env.stagingDir());
    String diagnostics = outcome.diagnostics();
    JobStatus[] read = {null};
    java.util.function.Supplier<JobStatus> last = () -> read[0] != null ? read[0] : (read[0] = statusNow(loop));
    try (OutputStream out = fs.create(new Path(staging, AmEnv.REPORT), true)) {
      JSON.writeValue(out, last.get());
    } catch (IOException | RuntimeException e) {
      // The job's own outcome stands: a report that cannot be written is said, not a failure.
      LOG.error("could not write the report to {}", new Path(staging, AmEnv.REPORT), e);
      diagnostics = (diagnostics == null || diagnostics.isBlank() ? "" : diagnostics + "; ")
          + "the report could not be written to " + new Path(staging, AmEnv.REPORT) + ": " + e.getMessage();
    }
    // The page with its final charts, kept beside the report (submit/local --report copy it).
    try (OutputStream out = fs.create(new Path(staging, AmEnv.REPORT_PAGE), true)) {
      out.write(StatusPage.renderFinal(last.get(), history.toMap())
          .getBytes(java.nio.charset.StandardCharsets.UTF_8));
    } catch (IOException | RuntimeException e) {
      LOG.warn("could not write the report's page to {}: {}", new Path(staging, AmEnv.REPORT_PAGE), e.toString());
    }
    timeline.ifPresent(t -> {
      try {
        t.finish(last.get(), System.currentTimeMillis(), 5000);
      } catch (RuntimeException e) {
        LOG.warn("the job's last events for the Timeline service: {}", e.toString());
      }
      t.close();
    });
    FinalApplicationStatus status = switch (outcome.state()) {
      case SUCCEEDED -> FinalApplicationStatus.SUCCEEDED;
      case KILLED -> FinalApplicationStatus.KILLED;
      default -> FinalApplicationStatus.FAILED;
    };
    try {
      amrm.unregisterApplicationMaster(status, diagnostics, null);
    } catch (Exception e) {
      // A killed application's AM may find the ResourceManager done with it already.
      LOG.warn("could not unregister ({}): {}", status, e.toString());
    }
    try {
      fs.delete(new Path(staging, AmEnv.JAR), false);
      fs.delete(new Path(staging, AmEnv.CONTAINER_JAR), false);
      // The user's keytab (given to renew tokens with) does not outlive the job.
      fs.delete(new Path(dev.psyarn.client.StagingDir.ownerOnly(staging), AmEnv.KEYTAB), false);
    } catch (IOException e) {
      // The job's outcome is YARN's already (unregistered above): a staged file left behind changes nothing.
      LOG.warn("could not delete the staged jars or keytab in {}: {}", staging, e.toString());
    }
    return status == FinalApplicationStatus.SUCCEEDED ? ExitCode.SUCCEEDED : ExitCode.JOB_FAILED;
  }

  /** The job's status, read on the event thread. */
  private JobStatus statusNow(AmLoop loop) {
    try {
      return loop.call(this::snapshot).get(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while reading the job's status", e);
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("the event thread did not answer with the job's status: " + e, e);
    }
  }

  private JobStatus snapshot(JobLifecycle lifecycle) {
    List<JobStatus.ContainerRow> rows = new ArrayList<>();
    for (TrackedContainer c : lifecycle.containers().all()) {
      String logs = c.nodeHttpAddress() == null ? null : WebAppUtils.getHttpSchemePrefix(conf)
          + c.nodeHttpAddress() + "/node/containerlogs/" + c.id() + "/" + user;
      rows.add(new JobStatus.ContainerRow(c.role().specName(), c.index(), c.id(), c.host(),
          spec.role(c.role()).runtime().type(), c.state().name(), c.exitCode(), c.restarts(),
          c.reason() == null ? null : c.reason().name(), logs, c.diagnostics(), c.metrics()));
    }
    AmState state = lifecycle.state();
    String finalStatus = !state.isFinal() ? "UNDEFINED" : state == AmState.SUCCEEDED ? "SUCCEEDED"
        : state == AmState.KILLED ? "KILLED" : "FAILED";
    String diagnostics = lifecycle.outcome().isDone() ? lifecycle.outcome().join().diagnostics()
        : lifecycle.waiting() != null ? lifecycle.waiting() : "";
    return new JobStatus(appId, spec.name(), state.name(), finalStatus, lifecycle.progress(), diagnostics, rows,
        lifecycle.restarts(), lifecycle.blacklistedNodes(), lifecycle.instances(), lifecycle.timings(), withTraffic(lifecycle.summary(), rows),
        lifecycle.preprocessStatus());
  }

  /** The app's metrics plus the data plane's bytes by role, from the containers' latest reports. */
  static Map<String, Object> withTraffic(Map<String, Object> summary, List<JobStatus.ContainerRow> rows) {
    Map<String, Object> metrics = new java.util.LinkedHashMap<>(summary);
    for (JobStatus.ContainerRow row : rows) {
      for (String key : new String[] {"bytesIn", "bytesOut"}) {
        Double bytes = row.metrics().get(key);
        if (bytes != null) {
          metrics.merge("bytes." + row.role() + "." + key.substring(5).toLowerCase(java.util.Locale.ROOT),
              bytes.longValue(), (a, b) -> (Long) a + (Long) b);
        }
      }
    }
    return metrics;
  }
}
