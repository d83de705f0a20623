package dev.psyarn.cli;

import dev.psyarn.am.JobStatus;
import dev.psyarn.client.JobStatusReader;
import dev.psyarn.client.JobSubmitter;
import dev.psyarn.client.JobWatcher;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.yarn.api.records.ApplicationId;
import org.apache.hadoop.yarn.api.records.ApplicationReport;
import org.apache.hadoop.yarn.client.api.YarnClient;
import org.apache.hadoop.yarn.exceptions.YarnException;

/** Submits a spec, and optionally follows it to the end and writes its report: for submit and local. */
final class JobRun {

  private JobRun() {}

  static int run(CliContext ctx, Configuration conf, SpecFile spec, boolean wait, String reportFile, boolean json)
      throws IOException, YarnException, InterruptedException {
    conf = YarnCommands.bounded(conf);
    try (YarnClient yarn = YarnClient.createYarnClient()) {
      yarn.init(conf);
      yarn.start();
      FileSystem fs = FileSystem.get(conf);
      ApplicationId id = new JobSubmitter(conf, yarn, fs).submit(spec.spec(), spec.text(), DistJar.locate(conf));
      ApplicationReport submitted = yarn.getApplicationReport(id);
      if (!wait) {
        if (json) {
          ctx.printJson(java.util.Map.of("applicationId", id.toString(), "trackingUrl",
              String.valueOf(submitted.getTrackingUrl())));
        } else {
          ctx.out.println(id);
          ctx.out.println("tracking URL: " + submitted.getTrackingUrl());
        }
        return ExitCodes.OK;
      }
      ctx.err.println("submitted " + id + " (" + spec.spec().name() + "); tracking URL " + submitted.getTrackingUrl());
      long start = System.nanoTime();
      JobStatusReader reader = new JobStatusReader(conf, fs);
      ApplicationReport last = new JobWatcher(conf, yarn).await(id, report -> ctx.err.printf(Locale.ROOT,
          "[%6.1fs] %s %s %d%%%s%n", (System.nanoTime() - start) / 1e9, id,
          report.getYarnApplicationState(), Math.round(report.getProgress() * 100), amState(reader, report)));
      JobStatus result = reader.finalReport(last);
      if (reportFile != null) {
        java.nio.file.Path path = CliContext.userPath(reportFile);
        writeReport(path, result);
        java.util.Optional<byte[]> page = reader.finalPage(last);
        if (page.isPresent()) {
          java.nio.file.Path html = pagePath(path);
          Files.write(html, page.get());
          ctx.err.println("the job's page with its final charts: " + html.toAbsolutePath());
        }
      }
      if (json) {
        ctx.printJson(result);
      } else {
        print(ctx, result);
      }
      return JobWatcher.exitCode(last);
    }
  }

  /** Where the job's final page goes beside its report: {@code run.json} → {@code run.html}. */
  static java.nio.file.Path pagePath(java.nio.file.Path report) {
    String name = report.getFileName().toString();
    String base = name.endsWith(".json") ? name.substring(0, name.length() - 5) : name;
    return report.resolveSibling(base + ".html");
  }

  /** Writes the run report, creating its directory; a path that cannot be written is the user's to fix. */
  static void writeReport(java.nio.file.Path path, JobStatus report) {
    try {
      java.nio.file.Path parent = path.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      Files.writeString(path, CliContext.JSON.writeValueAsString(report));
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot write the report to " + path + ": " + e
          + " (the job itself has ended; its status: psyarn status " + report.applicationId() + ")");
    }
  }

  /** The AM's own state while it runs, with the running MapReduce job's progress when preprocessing. */
  private static String amState(JobStatusReader reader, ApplicationReport report) {
    if (report.getYarnApplicationState() != org.apache.hadoop.yarn.api.records.YarnApplicationState.RUNNING) {
      return "";
    }
    return reader.live(report).map(st -> {
      StringBuilder b = new StringBuilder(" ").append(st.state());
      if ("PREPROCESSING".equals(st.state()) && st.preprocess() != null
          && st.preprocess().get("progress") instanceof Map<?, ?> jobs) {
        jobs.forEach((name, p) -> {
          if (p instanceof Map<?, ?> job) {
            b.append(String.format(Locale.ROOT, " · %s %s map %.0f%%", name, job.get("id"),
                ((Number) job.get("map")).doubleValue() * 100));
            if (job.get("reduce") instanceof Number reduce) {
              b.append(String.format(Locale.ROOT, " reduce %.0f%%", reduce.doubleValue() * 100));
            }
          }
        });
      }
      return b.toString();
    }).orElse("");
  }

  static void print(CliContext ctx, JobStatus s) {
    ctx.out.println(s.applicationId() + " " + s.finalStatus() + (s.diagnostics().isEmpty() ? "" : ": " + s.diagnostics()));
    for (JobStatus.ContainerRow c : s.containers()) {
      ctx.out.printf(Locale.ROOT, "  %-6s %3d  %-40s %-20s %-8s %-10s exit %s%s%s%n", c.role(), c.index(), c.id(),
          c.host(), c.runtime(), c.state(), c.exitCode() == null ? "-" : c.exitCode(),
          c.reason() == null || "EXITED_CLEANLY".equals(c.reason()) ? "" : " (" + c.reason() + ")",
          c.restarts() == 0 ? "" : ", restart " + c.restarts());
    }
    if (s.restarts() != null && s.restarts().values().stream().anyMatch(n -> n > 0)) {
      ctx.out.println("  restarts: " + s.restarts());
    }
    if (s.blacklistedNodes() != null && !s.blacklistedNodes().isEmpty()) {
      ctx.out.println("  blacklisted nodes: " + String.join(", ", s.blacklistedNodes()));
    }
    if (s.preprocess() != null) {
      Map<String, Object> p = s.preprocess();
      String reuse = JobStatus.reuseNote(p);
      boolean reused = reuse != null;
      if (p.get("rowsRead") == null) {
        // It failed before any job ran (the diagnostics above say why): there are no figures.
        ctx.out.printf(Locale.ROOT, "  preprocess %s before any job ran%n", p.get("state"));
      } else {
        ctx.out.printf(Locale.ROOT, "  preprocess %s%s: %s rows read, %s bad; train %s rows, test %s; features %s"
            + " (%s kept, min count %s); %s shards in %s%n", p.get("state"), reused ? ", " + reuse : "",
            p.get("rowsRead"), p.get("badRecords"), p.get("rowsWrittenTrain"), p.get("rowsWrittenTest"),
            p.get("featuresDistinct"), p.get("featuresKept"), p.get("minCount"), p.get("shardCount"), p.get("shards"));
      }
      if (p.get("jobs") instanceof java.util.List<?> jobs) {
        for (Object j : jobs) {
          if (j instanceof Map<?, ?> job) {
            java.util.List<String> notes = new java.util.ArrayList<>();
            if (reused) {
              notes.add("when the output was made");
            }
            if (Boolean.TRUE.equals(job.get("inProcess"))) {
              notes.add("inside the ApplicationMaster, " + job.get("mapTasks") + " map tasks");
            }
            ctx.out.printf(Locale.ROOT, "    %-6s %s %s in %.1f s%s%n", job.get("name"), job.get("id"), job.get("state"),
                ((Number) job.get("seconds")).doubleValue(), notes.isEmpty() ? "" : " (" + String.join("; ", notes) + ")");
          }
        }
      }
      if (!reused && p.get("ranInBecause") instanceof String why) {
        ctx.out.printf(Locale.ROOT, "    ran %s: %s%n", "am".equals(p.get("ranIn")) ? "in the ApplicationMaster"
            : "on the cluster", why);
      }
    }
    if (!s.timings().isEmpty()) {
      ctx.out.println("  timings (ms since submission): " + s.timings());
    }
    if (!s.metrics().isEmpty()) {
      // The curves are long: the line keeps the figures, the report and --json keep everything.
      Map<String, Object> figures = new java.util.LinkedHashMap<>(s.metrics());
      Object lossCurve = figures.remove("lossCurve");
      Object testCurve = figures.remove("testCurve");
      // An app's long lists and maps (estimates, histograms) are summarized: --json has them whole.
      figures.replaceAll((name, value) -> value instanceof Map<?, ?> m && m.size() > LONGEST
          ? "(" + m.size() + " entries: metrics." + name + " in --json or the report)"
          : value instanceof java.util.List<?> l && l.size() > LONGEST
              ? "(" + l.size() + " items: metrics." + name + " in --json or the report)" : value);
      ctx.out.println("  metrics: " + figures);
      if (testCurve instanceof java.util.List<?> rows && !rows.isEmpty()) {
        StringBuilder line = new StringBuilder("  test logloss after each epoch:");
        for (Object row : rows) {
          if (row instanceof Map<?, ?> r && r.get("logloss") instanceof Number loss && r.get("seconds") instanceof Number t) {
            line.append(String.format(Locale.ROOT, " %.4f (%.1f s)", loss.doubleValue(), t.doubleValue()));
          }
        }
        ctx.out.println(line);
      }
      if (lossCurve != null) {
        ctx.out.println("  (training loss curves per worker: metrics.lossCurve in the report or --json)");
      }
    }
  }

  /** Lists and maps of metrics longer than this are not printed whole. */
  private static final int LONGEST = 20;
}
