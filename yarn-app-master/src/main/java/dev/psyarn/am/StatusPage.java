package dev.psyarn.am;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;

/**
 * Renders a {@link JobStatus} as the HTML page behind the tracking URL, with charts of the job's
 * {@link ChartHistory}: live, the page's script ({@code charts.js}, inlined) asks the AM for the
 * history and the status every two seconds and redraws the charts and the containers' table; kept
 * with the report, the final history is in the page and nothing is asked.
 */
final class StatusPage {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SCRIPT = script();

  private StatusPage() {}

  /** The live page: its script polls {@code api/v1/history} and {@code api/v1/status}. */
  static String render(JobStatus s) {
    return page(s, null);
  }

  /** The page kept with the report: the job's final charts, drawn from the history it holds. */
  static String renderFinal(JobStatus s, Map<String, Object> history) {
    try {
      return page(s, JSON.writeValueAsString(history));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("the charts' history as JSON: " + e.getMessage(), e);
    }
  }

  private static String page(JobStatus s, String history) {
    StringBuilder html = new StringBuilder(4096);
    html.append("<!doctype html><html><head><meta charset=\"utf-8\"><title>psyarn ")
        .append(esc(s.name())).append("</title>")
        .append("<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}")
        .append("td,th{border:1px solid #ccc;padding:4px 8px;text-align:left}th{background:#eee}")
        .append(".charts{display:flex;flex-wrap:wrap;gap:12px}.chart{border:1px solid #ccc;background:#fff}table{margin-top:12px}")
        .append("</style></head><body>");
    html.append("<h1>").append(esc(s.name())).append("</h1><p><b>").append(esc(s.applicationId()))
        .append("</b> &middot; state <b>").append(esc(s.state())).append("</b> &middot; progress ")
        .append(Math.round(s.progress() * 100)).append("%</p>");
    if (s.diagnostics() != null && !s.diagnostics().isEmpty()) {
      html.append("<p>").append(esc(s.diagnostics())).append("</p>");
    }
    if (s.preprocess() != null) {
      Map<String, Object> p = new java.util.LinkedHashMap<>(s.preprocess());
      Object jobs = p.remove("progress");
      html.append("<h2>Preprocessing (MapReduce)</h2>");
      String reuse = JobStatus.reuseNote(s.preprocess());
      if (reuse != null) {
        html.append("<p>").append(esc(Character.toUpperCase(reuse.charAt(0)) + reuse.substring(1)))
            .append(". The jobs below are the ones that made it.</p>");
      }
      if (jobs instanceof Map<?, ?> running && !running.isEmpty()) {
        html.append("<table><tr><th>job</th><th>id</th><th>map</th><th>reduce</th></tr>");
        running.forEach((name, j) -> {
          Map<?, ?> job = (Map<?, ?>) j;
          html.append("<tr><td>").append(esc(String.valueOf(name))).append("</td><td>")
              .append(esc(String.valueOf(job.get("id")))).append("</td><td>")
              .append(Math.round(((Number) job.get("map")).doubleValue() * 100)).append("%</td><td>")
              .append(job.get("reduce") instanceof Number r ? Math.round(r.doubleValue() * 100) + "%" : "—")
              .append("</td></tr>");
        });
        html.append("</table>");
      }
      if (p.remove("jobs") instanceof java.util.List<?> done && !done.isEmpty()) {
        html.append("<table><tr><th>job</th><th>id</th><th>state</th><th>seconds</th></tr>");
        for (Object j : done) {
          Map<?, ?> job = (Map<?, ?>) j;
          String id = esc(String.valueOf(job.get("id")));
          html.append("<tr><td>").append(esc(String.valueOf(job.get("name")))).append("</td><td>");
          if (job.get("trackingUrl") instanceof String url && (url.startsWith("http://") || url.startsWith("https://"))) {
            html.append("<a href=\"").append(esc(url)).append("\">").append(id).append("</a>");
          } else {
            html.append(id);
          }
          html.append("</td><td>").append(esc(String.valueOf(job.get("state")))).append("</td><td>")
              .append(job.get("seconds") instanceof Number n ? String.format(java.util.Locale.ROOT, "%.1f",
                  n.doubleValue()) : "").append("</td></tr>");
        }
        html.append("</table>");
      }
      table(html, "", p);
    }
    html.append("<h2>Training</h2><div class=\"charts\">");
    chart(html, "chart-loss", "log loss: training (workers' mean) and test", false);
    chart(html, "chart-throughput", "examples per second (all workers)", true);
    html.append("</div><h2>Containers</h2><div class=\"charts\">");
    chart(html, "chart-running", "containers running, by role", true);
    chart(html, "chart-heap", "heap used, MB", true);
    chart(html, "chart-cpu", "CPU, % of one core", true);
    html.append("</div><table><thead><tr><th>role</th><th>index</th><th>container</th><th>host</th>")
        .append("<th>runtime</th><th>state</th><th>exit code</th><th>reason</th><th>restarts</th>")
        .append("<th>heap MB (max)</th><th>CPU s</th><th>logs</th></tr></thead><tbody id=\"containers\">");
    for (JobStatus.ContainerRow c : s.containers()) {
      html.append("<tr><td>").append(esc(c.role())).append("</td><td>").append(c.index())
          .append("</td><td>").append(esc(c.id())).append("</td><td>").append(esc(c.host()))
          .append("</td><td>").append(esc(c.runtime())).append("</td><td>").append(esc(c.state()))
          .append("</td><td>").append(c.exitCode() == null ? "" : c.exitCode())
          .append("</td><td>").append(esc(c.reason()))
          .append("</td><td>").append(c.restarts()).append("</td><td>");
      Map<String, Double> m = c.metrics() == null ? Map.of() : c.metrics();
      if (m.containsKey(dev.psyarn.ps.container.JvmFigures.HEAP_USED_MB)) {
        html.append(Math.round(m.get(dev.psyarn.ps.container.JvmFigures.HEAP_USED_MB)));
        Double max = m.get(dev.psyarn.ps.container.JvmFigures.HEAP_MAX_MB);
        if (max != null) {
          html.append(" (").append(Math.round(max)).append(')');
        }
      }
      html.append("</td><td>");
      if (m.containsKey(dev.psyarn.ps.container.JvmFigures.CPU_SECONDS)) {
        html.append(String.format(java.util.Locale.ROOT, "%.1f", m.get(dev.psyarn.ps.container.JvmFigures.CPU_SECONDS)));
      }
      html.append("</td><td>");
      if (c.logs() != null) {
        html.append("<a href=\"").append(esc(c.logs())).append("\">logs</a>");
      }
      html.append("</td></tr>");
    }
    html.append("</tbody></table>");
    if (s.restarts() != null && s.restarts().values().stream().anyMatch(n -> n > 0)) {
      table(html, "Restarts by role", s.restarts());
    }
    if (s.blacklistedNodes() != null && !s.blacklistedNodes().isEmpty()) {
      html.append("<h2>Blacklisted nodes</h2><p>").append(esc(String.join(", ", s.blacklistedNodes())))
          .append(" (no more containers of this job go there)</p>");
    }
    table(html, "Timings (ms since submission)", s.timings());
    table(html, "Metrics", s.metrics());
    if (history == null) {
      html.append("<p><a href=\"api/v1/status\">JSON</a> &middot; <a href=\"api/v1/history\">charts' JSON</a> ")
          .append("&middot; <span id=\"updated\">live</span></p>");
    } else {
      // Kept with the report: the final history in the page ("</" cannot end the script early).
      html.append("<p>The job's final page, kept with its report.</p>")
          .append("<script type=\"application/json\" id=\"psyarn-history\">")
          .append(history.replace("</", "<\\/")).append("</script>");
    }
    html.append("<script>").append(SCRIPT).append("</script></body></html>");
    return html.toString();
  }

  /** An empty chart the script draws; {@code fromZero} for counts and rates (their axis starts at 0). */
  private static void chart(StringBuilder html, String id, String title, boolean fromZero) {
    html.append("<svg class=\"chart\" id=\"").append(id).append("\" width=\"480\" height=\"220\" data-title=\"")
        .append(esc(title)).append("\" data-zero=\"").append(fromZero).append("\" data-points=\"0\" data-updates=\"0\">")
        .append("</svg>");
  }

  private static String script() {
    try (java.io.InputStream in = StatusPage.class.getResourceAsStream("charts.js")) {
      if (in == null) {
        throw new IllegalStateException("charts.js is missing from the AM's jar");
      }
      return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("reading charts.js", e);
    }
  }

  private static void table(StringBuilder html, String title, Map<String, ?> rows) {
    if (rows.isEmpty()) {
      return;
    }
    if (!title.isEmpty()) {
      html.append("<h2>").append(esc(title)).append("</h2>");
    }
    html.append("<table>");
    rows.forEach((k, v) -> html.append("<tr><th>").append(esc(k)).append("</th><td>")
        .append(esc(String.valueOf(v))).append("</td></tr>"));
    html.append("</table>");
  }

  static String esc(String text) {
    if (text == null) {
      return "";
    }
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
