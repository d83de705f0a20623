package dev.psyarn.am;

import java.util.Map;

/** Renders a {@link JobStatus} as the HTML page behind the tracking URL. */
final class StatusPage {

  private StatusPage() {}

  static String render(JobStatus s) {
    StringBuilder html = new StringBuilder(4096);
    html.append("<!doctype html><html><head><meta charset=\"utf-8\"><title>psyarn ")
        .append(esc(s.name())).append("</title><meta http-equiv=\"refresh\" content=\"5\">")
        .append("<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}")
        .append("td,th{border:1px solid #ccc;padding:4px 8px;text-align:left}th{background:#eee}</style>")
        .append("</head><body>");
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
      if (jobs instanceof Map<?, ?> running && !running.isEmpty()) {
        html.append("<table><tr><th>job</th><th>id</th><th>map</th><th>reduce</th></tr>");
        running.forEach((name, j) -> {
          Map<?, ?> job = (Map<?, ?>) j;
          html.append("<tr><td>").append(esc(String.valueOf(name))).append("</td><td>")
              .append(esc(String.valueOf(job.get("id")))).append("</td><td>")
              .append(Math.round(((Number) job.get("map")).doubleValue() * 100)).append("%</td><td>")
              .append(Math.round(((Number) job.get("reduce")).doubleValue() * 100)).append("%</td></tr>");
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
    html.append("<h2>Containers</h2><table><tr><th>role</th><th>index</th><th>container</th><th>host</th>")
        .append("<th>runtime</th><th>state</th><th>exit code</th><th>reason</th><th>restarts</th>")
        .append("<th>heap MB (max)</th><th>CPU s</th><th>logs</th></tr>");
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
    html.append("</table>");
    if (s.restarts() != null && s.restarts().values().stream().anyMatch(n -> n > 0)) {
      table(html, "Restarts by role", s.restarts());
    }
    if (s.blacklistedNodes() != null && !s.blacklistedNodes().isEmpty()) {
      html.append("<h2>Blacklisted nodes</h2><p>").append(esc(String.join(", ", s.blacklistedNodes())))
          .append(" (no more containers of this job go there)</p>");
    }
    table(html, "Timings (ms since submission)", s.timings());
    table(html, "Metrics", s.metrics());
    html.append("<p><a href=\"api/v1/status\">JSON</a></p></body></html>");
    return html.toString();
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
