package dev.psyarn.am;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.http.HttpServer2;
import org.apache.hadoop.yarn.server.webproxy.amfilter.AmFilterInitializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The AM's web server behind the application's tracking URL: Hadoop's {@link HttpServer2} with
 * YARN's {@code AmIpFilter} (through {@link AmFilterInitializer}, as MapReduce's AM has it), so
 * only the ResourceManager's web proxy, which authenticates users, is served; anyone else is sent
 * to the proxy. The job's state and containers as HTML with live charts at {@code /}, as JSON at
 * {@code /api/v1/status}, and the charts' history at {@code /api/v1/history}; and what Hadoop's
 * daemons serve: {@code /jmx} (the metrics2 sources,
 * {@link AmMetrics} among them, as JSON), {@code /prom} (the same in Prometheus' text format),
 * {@code /stacks}, {@code /conf} and {@code /logLevel}.
 */
final class AmWebServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(AmWebServer.class);
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final ObjectMapper COMPACT = new ObjectMapper();
  private static final String STATUS = "psyarn.status";
  private static final String HISTORY = "psyarn.history";
  private static final String VIEWERS = "psyarn.viewers";

  private final HttpServer2 server;

  private AmWebServer(HttpServer2 server) {
    this.server = server;
  }

  /** Serves on {@code host}'s address (the AM's container host), for the RM's proxy to reach. */
  static AmWebServer start(Configuration conf, String host, Supplier<JobStatus> status,
      Supplier<java.util.Map<String, Object>> history) throws IOException {
    return start(conf, host, status, history, null);
  }

  /**
   * As above; on a secure cluster with {@code owner} given, the job is shown only to the users the
   * RM's proxy authenticated (SPNEGO; YARN's AmIpFilter hands the user on) who may view it.
   */
  static AmWebServer start(Configuration conf, String host, Supplier<JobStatus> status,
      Supplier<java.util.Map<String, Object>> history, String owner) throws IOException {
    Configuration web = new Configuration(conf);
    web.set(HttpServer2.FILTER_INITIALIZER_PROPERTY, AmFilterInitializer.class.getName());
    web.setBoolean("hadoop.prometheus.endpoint.enabled", true);
    HttpServer2 http = new HttpServer2.Builder().setName("psyarn").setConf(web)
        .addEndpoint(URI.create("http://" + host + ":0")).setFindPort(true).build();
    http.setAttribute(STATUS, status);
    http.setAttribute(HISTORY, history);
    if (owner != null && org.apache.hadoop.security.UserGroupInformation.isSecurityEnabled()) {
      http.setAttribute(VIEWERS, Viewers.of(conf, owner));
    }
    http.addServlet("status", "/api/v1/status", StatusServlet.class);
    http.addServlet("history", "/api/v1/history", HistoryServlet.class);
    http.addServlet("page", "/", PageServlet.class);
    // The web app's directory is in psyarn's jar (webapps/psyarn): served from there. Jetty would
    // otherwise copy it out first, reading the whole 56 MB jar through a JarInputStream to find its
    // entries: a third of a second of CPU before the AM can register (docs/benchmarks.md).
    http.getWebAppContext().setExtractWAR(false);
    http.start();
    AmWebServer server = new AmWebServer(http);
    LOG.info("web server on port {} (status page, /api/v1/status, /jmx, /prom), behind YARN's AmIpFilter",
        server.port());
    return server;
  }

  int port() {
    return server.getConnectorAddress(0).getPort();
  }

  @Override
  public void close() {
    try {
      server.stop();
    } catch (Exception e) {
      LOG.warn("stopping the web server: {}", e.toString());
    }
  }

  @SuppressWarnings("unchecked")
  private static JobStatus status(HttpServlet servlet) {
    return ((Supplier<JobStatus>) servlet.getServletContext().getAttribute(STATUS)).get();
  }

  private static void send(HttpServletResponse response, String type, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    response.setContentType(type);
    response.setHeader("Cache-Control", "no-store");
    response.setContentLength(bytes.length);
    try (OutputStream out = response.getOutputStream()) {
      out.write(bytes);
    }
  }

  /** Whether the request's user may see the job (always, without security); else answers 403. */
  private static boolean mayView(HttpServlet servlet, HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    Viewers viewers = (Viewers) servlet.getServletContext().getAttribute(VIEWERS);
    if (viewers == null || viewers.allow(request.getRemoteUser())) {
      return true;
    }
    response.sendError(HttpServletResponse.SC_FORBIDDEN, (request.getRemoteUser() == null ? "an unauthenticated user"
        : request.getRemoteUser()) + " may not view this job (its owner, psyarn.acl.view and yarn.admin.acl may)");
    return false;
  }

  /** Who may view the job: the owner, the users and groups of {@code psyarn.acl.view}, YARN's admins. */
  record Viewers(String owner, org.apache.hadoop.security.authorize.AccessControlList view,
      org.apache.hadoop.security.authorize.AccessControlList admins) {

    static Viewers of(Configuration conf, String owner) {
      return new Viewers(owner,
          new org.apache.hadoop.security.authorize.AccessControlList(
              conf.get(dev.psyarn.PsyarnConfig.ACL_VIEW, dev.psyarn.PsyarnConfig.ACL_VIEW_DEFAULT)),
          new org.apache.hadoop.security.authorize.AccessControlList(
              conf.get(org.apache.hadoop.yarn.conf.YarnConfiguration.YARN_ADMIN_ACL,
                  org.apache.hadoop.yarn.conf.YarnConfiguration.DEFAULT_YARN_ADMIN_ACL)));
    }

    boolean allow(String user) {
      if (user == null || user.isEmpty()) {
        return false;
      }
      if (user.equals(owner)) {
        return true;
      }
      org.apache.hadoop.security.UserGroupInformation ugi =
          org.apache.hadoop.security.UserGroupInformation.createRemoteUser(user);
      return view.isUserAllowed(ugi) || admins.isUserAllowed(ugi);
    }
  }

  /** The job's status as JSON. */
  public static final class StatusServlet extends HttpServlet {
    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
      if (!mayView(this, request, response)) {
        return;
      }
      send(response, "application/json", JSON.writeValueAsString(status(this)));
    }
  }

  /** The charts' history as JSON ({@link ChartHistory#toMap}). */
  public static final class HistoryServlet extends HttpServlet {
    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
      if (!mayView(this, request, response)) {
        return;
      }
      @SuppressWarnings("unchecked")
      Supplier<java.util.Map<String, Object>> history =
          (Supplier<java.util.Map<String, Object>>) getServletContext().getAttribute(HISTORY);
      send(response, "application/json", COMPACT.writeValueAsString(history.get()));
    }
  }

  /** The job's status page. */
  public static final class PageServlet extends HttpServlet {
    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
      if (!mayView(this, request, response)) {
        return;
      }
      send(response, "text/html; charset=utf-8", StatusPage.render(status(this)));
    }
  }
}
