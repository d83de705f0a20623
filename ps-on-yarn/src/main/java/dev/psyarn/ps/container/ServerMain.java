package dev.psyarn.ps.container;

import dev.psyarn.ps.store.ServerStore;
import dev.psyarn.ps.transport.RpcServer;
import dev.psyarn.ps.wire.Protocols;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The entry point of a server container: serves its key range on the data plane, reports to the
 * AM, and exits 0 when the AM says stop (1 if it loses the AM).
 */
public final class ServerMain {

  private static final Logger LOG = LoggerFactory.getLogger(ServerMain.class);

  private ServerMain() {}

  public static void main(String[] args) {
    int code;
    try {
      code = run(System.getenv());
    } catch (Exception e) {
      LOG.error("server failed", e);
      code = 1;
    }
    System.exit(code);
  }

  static int run(Map<String, String> environment) throws Exception {
    ContainerBootstrap boot = ContainerBootstrap.fromEnvironment(environment);
    ServerStore store = new ServerStore(boot.env().numWorkers());
    try (RpcServer server = RpcServer.start(new InetSocketAddress(0), boot.secret(), Protocols.DATA,
        store, "server " + boot.env().index() + " data plane");
        ControlClient control = boot.control()) {
      control.register(boot.env().role(), boot.env().index(), boot.host(), server.port());
      LOG.info("server {} registered as {}:{}", boot.env().index(), boot.host(), server.port());
      control.startHeartbeats(boot.env().heartbeatMs(), () -> {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("keys", (double) store.keys());
        m.put("keysPushed", (double) store.keysPushed());
        m.put("keysPulled", (double) store.keysPulled());
        m.put("pushesDropped", (double) store.pushesDropped());
        m.put("bytesIn", (double) server.traffic().bytesIn());
        m.put("bytesOut", (double) server.traffic().bytesOut());
        return m;
      });
      try {
        control.stopRequested().join();
        LOG.info("server {} stopping at the AM's request; {} keys stored", boot.env().index(), store.keys());
        return 0;
      } catch (RuntimeException e) {
        LOG.error("server {} lost the ApplicationMaster; exiting", boot.env().index(), e);
        return 1;
      }
    }
  }
}
