package dev.psyarn.client;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.psyarn.am.AmEnv;
import dev.psyarn.am.JobStatus;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.yarn.api.records.ApplicationId;
import org.apache.hadoop.yarn.api.records.ApplicationReport;
import org.apache.hadoop.yarn.api.records.FinalApplicationStatus;
import org.apache.hadoop.yarn.api.records.YarnApplicationState;

/**
 * Reads a job's status: the AM's own view through the tracking URL while it runs, the report it
 * left in the staging directory once it has finished, and YARN's view always.
 */
public final class JobStatusReader {

  private static final ObjectMapper JSON = new ObjectMapper()
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  private final Configuration conf;
  private final FileSystem fs;

  public JobStatusReader(Configuration conf, FileSystem fs) {
    this.conf = conf;
    this.fs = fs;
  }

  /** The AM's live status through the RM's web proxy, if it is running and answers. */
  public Optional<JobStatus> live(ApplicationReport report) {
    if (report.getYarnApplicationState() != YarnApplicationState.RUNNING || report.getTrackingUrl() == null
        || report.getTrackingUrl().isBlank() || "N/A".equals(report.getTrackingUrl())) {
      return Optional.empty();
    }
    String base = report.getTrackingUrl().startsWith("http") ? report.getTrackingUrl()
        : "http://" + report.getTrackingUrl();
    try {
      // proxyapproved: on a secure cluster the proxy asks a browser of anyone but the owner to
      // confirm before it shows an AM's page; this reads JSON, it renders nothing.
      HttpURLConnection http = open(URI.create((base.endsWith("/") ? base : base + "/")
          + "api/v1/status?proxyapproved=true").toURL());
      if (http.getResponseCode() != 200 || !String.valueOf(http.getContentType()).startsWith("application/json")) {
        return Optional.empty();
      }
      try (InputStream in = http.getInputStream()) {
        return Optional.of(JSON.readValue(in, JobStatus.class));
      }
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /**
   * A connection to the cluster's web (the RM's proxy): on a Kerberos cluster authenticated with
   * SPNEGO as the current user (hadoop-auth's {@code AuthenticatedURL}, as Hadoop's own web clients
   * do), so the proxy can check the user against the application's view ACL.
   */
  static HttpURLConnection open(java.net.URL url) throws IOException {
    org.apache.hadoop.security.authentication.client.ConnectionConfigurator timeouts = c -> {
      c.setConnectTimeout(3000);
      c.setReadTimeout(5000);
      return c;
    };
    if (!org.apache.hadoop.security.UserGroupInformation.isSecurityEnabled()) {
      return timeouts.configure((HttpURLConnection) url.openConnection());
    }
    try {
      return new org.apache.hadoop.security.authentication.client.AuthenticatedURL(null, timeouts)
          .openConnection(url, new org.apache.hadoop.security.authentication.client.AuthenticatedURL.Token());
    } catch (org.apache.hadoop.security.authentication.client.AuthenticationException e) {
      throw new IOException("SPNEGO authentication to " + url + " failed: " + e.getMessage(), e);
    }
  }

  /**
   * The job's status now: the AM's live status while it runs, else the report it left (with
   * YARN's final status and diagnostics once the application ended: YARN knows of kills the AM
   * never saw).
   */
  public Optional<JobStatus> current(ApplicationReport report) throws IOException {
    Optional<JobStatus> job = live(report);
    if (job.isPresent()) {
      return job;
    }
    return report.getFinalApplicationStatus() == FinalApplicationStatus.UNDEFINED ? finished(report)
        : Optional.of(finalReport(report));
  }

  /** The report the AM wrote when it finished, if it did. */
  public Optional<JobStatus> finished(ApplicationReport app) throws IOException {
    Path report = new Path(StagingDir.of(conf, fs, app.getUser(), app.getApplicationId().toString()), AmEnv.REPORT);
    if (!fs.isFile(report)) {
      return Optional.empty();
    }
    try (InputStream in = fs.open(report)) {
      return Optional.of(JSON.readValue(in, JobStatus.class));
    } catch (com.fasterxml.jackson.core.JacksonException e) {
      // Cut short or empty (the AM could not finish writing it): YARN's own report stands in.
      org.slf4j.LoggerFactory.getLogger(JobStatusReader.class).warn("the report {} does not read as one: {}",
          report, e.getOriginalMessage());
      return Optional.empty();
    }
  }

  /** The page with the final charts the AM kept beside its report ({@code report.html}), if it did. */
  public Optional<byte[]> finalPage(ApplicationReport app) throws IOException {
    Path page = new Path(StagingDir.of(conf, fs, app.getUser(), app.getApplicationId().toString()), AmEnv.REPORT_PAGE);
    if (!fs.isFile(page)) {
      return Optional.empty();
    }
    try (InputStream in = fs.open(page)) {
      return Optional.of(in.readAllBytes());
    }
  }

  /**
   * The final report of a finished application: the AM's report where it left one, with YARN's
   * final status and diagnostics (YARN knows of kills the AM never saw).
   */
  public JobStatus finalReport(ApplicationReport app) throws IOException {
    Optional<JobStatus> am = finished(app);
    String finalStatus = app.getFinalApplicationStatus() == FinalApplicationStatus.UNDEFINED
        ? "FAILED" : app.getFinalApplicationStatus().name();
    String diagnostics = app.getDiagnostics() == null || app.getDiagnostics().isBlank()
        ? am.map(JobStatus::diagnostics).orElse("") : app.getDiagnostics();
    // A job YARN killed is KILLED whatever the AM last wrote (it may have seen only its lost RM).
    String state = app.getFinalApplicationStatus() == FinalApplicationStatus.KILLED ? "KILLED"
        : am.map(JobStatus::state).orElse(app.getYarnApplicationState().name());
    return new JobStatus(app.getApplicationId().toString(), app.getName(), state, finalStatus, 1f, diagnostics,
        am.map(JobStatus::containers).orElse(List.of()),
        am.map(JobStatus::restarts).orElse(Map.of()),
        am.map(JobStatus::blacklistedNodes).orElse(List.of()),
        am.map(JobStatus::instances).orElse(Map.of()),
        am.map(JobStatus::timings).orElse(Map.of()),
        am.map(JobStatus::metrics).orElse(Map.of()),
        am.map(JobStatus::preprocess).orElse(null));
  }
}
