package dev.psyarn.cli;

import dev.psyarn.am.JobStatus;
import dev.psyarn.client.JobStatusReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.util.ToolRunner;
import org.apache.hadoop.yarn.api.records.ApplicationId;
import org.apache.hadoop.yarn.api.records.ApplicationReport;
import org.apache.hadoop.yarn.client.api.YarnClient;
import org.apache.hadoop.yarn.client.cli.LogsCLI;

/**
 * A job's containers by role and index, and their log files as {@code yarn logs} fetches them
 * (from the NodeManagers while the application runs, from the aggregated logs after).
 */
final class ContainerLogs {

  /** One container of the job: its role ({@code am}, {@code server}, {@code worker}), index and id. */
  record Target(String role, int index, String id) {

    String label() {
      return role.equals("am") ? "am (" + id + ")" : role + " " + index + " (" + id + ")";
    }
  }

  /** The options that name a job's containers: {@code --role} and {@code --index}. */
  static final class Choice {

    @picocli.CommandLine.Option(names = "--role", description = "am, server or worker.")
    String role;

    @picocli.CommandLine.Option(names = "--index", description = "The container's index within its role.")
    Integer index;

    void check() {
      if (role != null && !java.util.List.of("am", "server", "worker").contains(role)) {
        throw new IllegalArgumentException("--role must be am, server or worker, got \"" + role + "\"");
      }
      if (index != null && role == null) {
        throw new IllegalArgumentException("--index needs --role");
      }
    }
  }

  /** No container of the job matches what the user named: exit 6, with what the job has. */
  static final class NotFound extends IllegalArgumentException {
    NotFound(String message) {
      super(message);
    }
  }

  private ContainerLogs() {}

  /**
   * The job's containers that match {@code role} (null: all; {@code am} for the AM's) and
   * {@code index} (null: all), current holders first; the AM's container is index 0 of role am.
   */
  static List<Target> targets(Configuration conf, YarnClient yarn, ApplicationId id, String role, Integer index)
      throws Exception {
    ApplicationReport report = yarn.getApplicationReport(id);
    List<Target> all = new ArrayList<>();
    if (report.getCurrentApplicationAttemptId() != null) {
      var attempt = yarn.getApplicationAttemptReport(report.getCurrentApplicationAttemptId());
      if (attempt.getAMContainerId() != null) {
        all.add(new Target("am", 0, attempt.getAMContainerId().toString()));
      }
    }
    Optional<JobStatus> job = new JobStatusReader(conf, FileSystem.get(conf)).current(report);
    job.ifPresent(j -> j.containers().forEach(c -> all.add(new Target(c.role(), c.index(), c.id()))));
    List<Target> chosen = all.stream().filter(t -> (role == null || t.role().equals(role))
        && (index == null || t.index() == index)).toList();
    if (chosen.isEmpty()) {
      throw new NotFound("no " + (role == null ? "container" : role) + (index == null ? "" : " " + index)
          + " in " + id + "; it has: " + String.join(", ", all.stream().map(Target::label).toList()));
    }
    return chosen;
  }

  /**
   * The log files' own text in what {@code yarn logs} writes: each file comes framed by
   * {@code LogType:}, {@code LogLength:}, {@code LogContents:} lines before and an
   * {@code End of LogType:} line and a row of stars after.
   */
  static String contents(String written) {
    String start = "LogContents:\n";
    if (!written.contains(start)) {
      return written;
    }
    StringBuilder out = new StringBuilder();
    for (int at = written.indexOf(start); at >= 0; at = written.indexOf(start, at)) {
      at += start.length();
      int end = written.indexOf("End of LogType:", at);
      out.append(written, at, end < 0 ? written.length() : end);
      if (end < 0) {
        break;
      }
      at = end;
    }
    return out.toString();
  }

  /**
   * The container's log file {@code file} ({@code stderr}, {@code stdout}, or {@code ALL}) as
   * {@code yarn logs} reads it; empty when YARN has none (yet).
   */
  static String fetch(Configuration conf, ApplicationId app, Target target, String file) throws Exception {
    Path out = Files.createTempDirectory("psyarn-logs-");
    // yarn logs reads running containers' logs from the NodeManagers' web services through this
    // client, which the yarn command sets up before it runs the tool.
    org.apache.hadoop.yarn.webapp.util.WebServiceClient.initialize(conf);
    try {
      int code = ToolRunner.run(new Configuration(conf), new LogsCLI(), new String[] {"-applicationId", app.toString(),
          "-containerId", target.id(), "-log_files", file, "-out", out.toString()});
      if (code != 0) {
        throw new IOException("yarn logs could not read the logs of " + target.label() + " (exit " + code + "); "
            + "after an application ends, its logs are there only where the cluster aggregates them "
            + "(yarn.log-aggregation-enable)");
      }
      StringBuilder text = new StringBuilder();
      try (Stream<Path> files = Files.walk(out)) {
        for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
          text.append(contents(Files.readString(f, StandardCharsets.UTF_8)));
        }
      }
      return text.toString();
    } finally {
      org.apache.hadoop.yarn.webapp.util.WebServiceClient.destroy();
      org.apache.hadoop.fs.FileUtil.fullyDelete(out.toFile());
    }
  }
}
