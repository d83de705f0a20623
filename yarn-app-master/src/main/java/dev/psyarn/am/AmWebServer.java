package dev.psyarn.am;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The page behind the application's tracking URL: the job's state and its containers as HTML at
 * {@code /}, and the same as JSON at {@code /api/v1/status}. Like YARN's AmIpFilter it answers only
 * the ResourceManager's web proxy, which authenticates users; anyone else gets 403.
 */
final class AmWebServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(AmWebServer.class);
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final HttpServer server;
  private final Set<InetAddress> allowed;
  private final Supplier<JobStatus> status;

  private AmWebServer(HttpServer server, Set<InetAddress> allowed, Supplier<JobStatus> status) {
    this.server = server;
    this.allowed = allowed;
    this.status = status;
  }

  /**
   * Starts serving.
   *
   * @param proxyHostsAndPorts the RM web proxies, as YARN lists them for its AmIpFilter
   */
  /** The page on {@code host}'s address (the AM's container host), for the RM's proxy to reach. */
  static AmWebServer start(String host, List<String> proxyHostsAndPorts, Supplier<JobStatus> status)
      throws IOException {
    HttpServer http = HttpServer.create(dev.psyarn.ps.transport.BindAddress.of(host), 16);
    AmWebServer web = new AmWebServer(http, allowedPeers(proxyHostsAndPorts), status);
    http.createContext("/api/v1/status", exchange -> web.serve(exchange, true));
    http.createContext("/", exchange -> web.serve(exchange, false));
    http.start();
    LOG.info("status page on port {}, answering {}", http.getAddress().getPort(), web.allowed);
    return web;
  }

  int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
  }

  private void serve(HttpExchange exchange, boolean json) throws IOException {
    try (exchange) {
      InetAddress peer = exchange.getRemoteAddress().getAddress();
      if (!allowed.contains(peer)) {
        LOG.warn("refused status request from {}: not the ResourceManager's web proxy", peer);
        send(exchange, 403, "text/plain", "Only the ResourceManager's web proxy may reach this page; "
            + "open the application's tracking URL instead.");
        return;
      }
      JobStatus now = status.get();
      if (json) {
        send(exchange, 200, "application/json", JSON.writeValueAsString(now));
      } else {
        send(exchange, 200, "text/html; charset=utf-8", StatusPage.render(now));
      }
    }
  }

  private static void send(HttpExchange exchange, int code, String type, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.getResponseHeaders().set("Cache-Control", "no-store");
    exchange.sendResponseHeaders(code, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  /** The proxies' addresses; a proxy on this machine may connect from any of its addresses. */
  static Set<InetAddress> allowedPeers(List<String> proxyHostsAndPorts) throws IOException {
    Set<InetAddress> out = new HashSet<>();
    boolean proxyIsLocal = false;
    for (String hostAndPort : proxyHostsAndPorts) {
      String host = hostAndPort.contains(":") ? hostAndPort.substring(0, hostAndPort.lastIndexOf(':')) : hostAndPort;
      try {
        for (InetAddress address : InetAddress.getAllByName(host)) {
          out.add(address);
          proxyIsLocal |= isLocal(address);
        }
      } catch (UnknownHostException e) {
        LOG.warn("cannot resolve web proxy host {}", host);
      }
    }
    if (proxyIsLocal) {
      for (NetworkInterface nic : NetworkInterface.networkInterfaces().toList()) {
        out.addAll(nic.inetAddresses().toList());
      }
    }
    return out;
  }

  private static boolean isLocal(InetAddress address) throws IOException {
    return address.isLoopbackAddress() || address.isAnyLocalAddress()
        || NetworkInterface.getByInetAddress(address) != null;
  }
}
