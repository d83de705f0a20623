package dev.psyarn.ps.container;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.psyarn.ps.api.Applications;
import dev.psyarn.ps.api.ConfiguredApp;
import dev.psyarn.ps.transport.RpcClient;
import dev.psyarn.ps.wire.ControlMessages.ClusterView;
import dev.psyarn.ps.wire.Protocols;
import dev.psyarn.ps.worker.KVWorker;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The entry point of a worker container: gets the cluster view, connects to every server, runs the
 * job's app, reports its results to the AM and exits 0; any failure exits 1.
 */
public final class WorkerMain {

  static {
    JvmFigures.mainStarted(); // its registration line tells the node's launch from the JVM's own work
    JvmLogging.install(); // before anything logs
  }

  private static final Logger LOG = LoggerFactory.getLogger(WorkerMain.class);

  private WorkerMain() {}

  public static void main(String[] args) {
    int code;
    try {
      code = run(System.getenv());
    } catch (Exception e) {
      LOG.error("worker failed", e);
      code = 1;
    }
    System.exit(code);
  }

  static int run(Map<String, String> environment) throws Exception {
    ContainerBootstrap boot = ContainerBootstrap.fromEnvironment(environment);
    JsonNode config = new ObjectMapper().readTree(boot.env().appJson());
    ClassLoader loader = Applications.fromEnvironment(environment, WorkerMain.class.getClassLoader());
    ConfiguredApp<?, ?, ?> app = Applications.configure(config, loader);
    try (ControlClient control = boot.control()) {
      control.register(boot.env().role(), boot.env().index(), boot.host(), 0);
      LOG.info("worker {} registered ({})", boot.env().index(), JvmFigures.sinceStart());
      List<RpcClient> servers = new java.util.concurrent.CopyOnWriteArrayList<>();
      List<ServerLink> links = new java.util.concurrent.CopyOnWriteArrayList<>();
      WorkerLayouts layouts = new WorkerLayouts(control, connector(boot, servers, app.filters()),
          links);
      Map<String, Double> live = new java.util.concurrent.ConcurrentHashMap<>();
      java.util.function.Supplier<Map<String, Double>> figures = () -> {
        Map<String, Double> m = metrics(servers, links);
        m.putAll(live);
        int quiescent = layouts.quiescentFor();
        if (quiescent >= 0) {
          m.put("view.quiescent", (double) quiescent);
        }
        return m;
      };
      ContainerMetrics.Start metrics = ContainerMetrics.publishLater(boot.env().role(), boot.env().index(), figures,
          ContainerMetrics.START_AFTER_MS);
      control.startHeartbeats(boot.env().heartbeatMs(), figures, reply -> layouts.changed(reply.change()));
      ClusterView view = control.clusterView();
      try (KVWorker kv = layouts.connect(view, boot.env().index())) {
        // Started beside preprocessing, a worker waits here for its shards.
        control.barrier(ControlClient.DATA_READY);
        // Every container has registered: the metrics system's start no longer delays another's.
        metrics.now();
        LOG.info("worker {} of {} running {} against {} servers", boot.env().index(),
            view.numWorkers(), app.name(), view.servers().length);
        Thread.currentThread().setContextClassLoader(loader);
        String result = app.run(boot.env().index(), view.numWorkers(), kv, control::barrier, control::nextPiece, live);
        // Done: this worker holds no server's clock back any more (nor a checkpoint's cut).
        kv.waitFor(kv.clock(Integer.MAX_VALUE));
        // The final figures are the heartbeats' with the last word: an app's last scores can come
        // after the last heartbeat (a worker that stops early exits within one interval of scoring).
        Map<String, Double> last = figures.get();
        control.finished(result, last);
        LOG.info("worker {} finished: {} {}", boot.env().index(), result.length() > 2000 ? result.substring(0, 2000)
            + "…" : result, last);
      }
    }
    return 0;
  }

  /** The data plane's bytes, and how long lost servers went unserved (connection lost to the next answer). */
  private static Map<String, Double> metrics(List<RpcClient> servers, List<ServerLink> links) {
    Map<String, Double> m = new LinkedHashMap<>(traffic(servers));
    double outage = links.stream().mapToDouble(ServerLink::longestOutageSeconds).max().orElse(0);
    if (outage > 0) {
      m.put("servers.outageSeconds", outage);
      m.put("servers.reconnects", (double) links.stream().mapToInt(ServerLink::reconnects).sum());
    }
    return m;
  }

  /** The data plane's bytes over every server connection. */
  private static Map<String, Double> traffic(List<RpcClient> servers) {
    long in = 0;
    long out = 0;
    for (RpcClient server : List.copyOf(servers)) {
      in += server.traffic().bytesIn();
      out += server.traffic().bytesOut();
    }
    return Map.of("bytesIn", (double) in, "bytesOut", (double) out);
  }

  private static ServerLink.Connector connector(ContainerBootstrap boot, List<RpcClient> channels,
      dev.psyarn.ps.wire.DataFilters filters) {
    if (filters.keyCaching() || filters.lz4()) { // not a record's equals: its first call costs a JVM ~25 ms
      LOG.info("data plane filters: {}", filters);
    }
    return address -> {
      RpcClient client = RpcClient.connect(address, boot.secret(), Protocols.data(filters), ContainerBootstrap.CONNECT_TIMEOUT);
      channels.add(client);
      return client;
    };
  }
}
