package dev.psyarn.ps.container;

import dev.psyarn.ps.store.Checkpoints;
import dev.psyarn.ps.store.ServerSnapshot;
import dev.psyarn.ps.store.ServerStore;
import dev.psyarn.ps.transport.RpcClient;
import dev.psyarn.ps.transport.RpcServer;
import dev.psyarn.ps.wire.Protocols;
import dev.psyarn.ps.worker.Partitioner;
import dev.psyarn.runtime.HdfsCloseWait;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The entry point of a server container: restores its key ranges (a replacement, from the job's
 * newest good checkpoint; a warm start, from the checkpoint the spec names), serves them on the
 * data plane, writes checkpoints, reports to the AM, and exits 0 when the AM says stop (1 if it
 * loses the AM).
 */
public final class ServerMain {

  static {
    JvmFigures.mainStarted(); // its registration line tells the node's launch from the JVM's own work
    JvmLogging.install(); // before anything logs
  }

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
    // The app's own update rules (Updaters, ServerHandles) are found in its jars.
    dev.psyarn.ps.api.Applications.fromEnvironment(environment, ServerMain.class.getClassLoader());
    ServerStateEnv state = ServerStateEnv.from(environment);
    int index = boot.env().index();
    int numServers = boot.env().numServers();
    // Hadoop's configuration (its *-default.xml parsed) only for a server that reads or writes files.
    Configuration conf = state.checkpoints() || !state.resumeFrom().isEmpty() || !state.initialModel().isEmpty()
        ? HdfsCloseWait.apply(new Configuration()) : null;
    CheckpointWriter writer = state.checkpoints()
        ? new CheckpointWriter(new Checkpoints(new Path(state.checkpointDir()).getFileSystem(conf),
            new Path(state.checkpointDir()), state.keep()))
        : null;
    Partitioner partitioner = Partitioner.create(state.partitioner(), numServers, state.virtualNodes());
    ServerStore.Peers peers = (host, port) -> RpcClient.connect(new InetSocketAddress(host, port), boot.secret(),
        Protocols.DATA, ContainerBootstrap.CONNECT_TIMEOUT);
    ServerLayouts.Stores stores = n -> new ServerStore(index, n, boot.env().numWorkers(),
        writer == null ? 0 : state.everyClocks(), writer == null ? snapshot -> {} : writer::submit,
        state.replication() == 0 ? ServerStore.Replication.NONE : new ServerStore.Replication(state.replication(),
            Partitioner.create(state.partitioner(), n, state.virtualNodes()), peers));
    ServerStore store = stores.create(numServers);
    // A server added by flex starts with nothing: its keys come from the others when the layout changes.
    boolean joins = environment.containsKey(ServerStateEnv.JOINS);
    ServerLayouts layouts = new ServerLayouts(index, store, joins, stores, peers::connect, state.partitioner(),
        state.virtualNodes(), state.replication() > 0);
    Map<String, Double> restored = joins ? new LinkedHashMap<>() : restore(store, state, index, numServers, writer, conf);
    if (!joins && !state.initialModel().isEmpty() && !restored.containsKey("recovery.restoredClock")) {
      int colon = state.initialModel().indexOf(':');
      int table = Integer.parseInt(state.initialModel().substring(0, colon));
      Path path = new Path(state.initialModel().substring(colon + 1));
      dev.psyarn.ps.store.TableFile model = dev.psyarn.ps.store.TableFile.read(conf, path);
      if (model.width() != 1) {
        throw new java.io.IOException(path + " holds " + model.width() + " floats a key: a warm start takes a table of one");
      }
      store.initialValues(table, model.keys(), model.weights(), numServers == 1 ? null : partitioner);
      restored.put("warmStart.modelKeys", (double) model.size());
      LOG.info("server {}: table {} starts from the model {} ({} keys)", index, table, path, model.size());
    }
    try (RpcServer server = RpcServer.start(dev.psyarn.ps.transport.BindAddress.of(boot.host()), boot.secret(), Protocols.DATA,
        layouts, "server " + index + " data plane");
        ControlClient control = boot.control()) {
      if (state.replication() > 0 && !joins) {
        restored.putAll(joinReplicas(store, control, boot, index, numServers, server.port()));
      } else {
        control.register(boot.env().role(), index, boot.host(), server.port());
      }
      LOG.info("server {} registered as {}:{} ({})", index, boot.host(), server.port(), JvmFigures.sinceStart());
      java.util.function.Supplier<Map<String, Double>> figures = () -> {
        Map<String, Double> m = new LinkedHashMap<>(restored);
        ServerStore serving = layouts.current();
        m.put("keys", (double) serving.keys());
        if (state.replication() > 0) {
          m.put("replicaKeys", (double) serving.replicaKeys());
          m.put("replicasLost", (double) layouts.total(ServerStore::replicasLost));
        }
        m.put("keysPushed", (double) layouts.total(ServerStore::keysPushed));
        m.put("keysPulled", (double) layouts.total(ServerStore::keysPulled));
        m.put("pushesDropped", (double) layouts.total(ServerStore::pushesDropped));
        m.put("clock", (double) serving.clock());
        m.put("clock.max", (double) serving.cutRequests().mostRunningClock());
        if (state.everyClocks() == ServerStore.CUT_ON_REQUEST) {
          m.put("checkpoint.missed", (double) serving.cutRequests().missed());
        }
        m.putAll(layouts.metrics());
        m.put("bytesIn", (double) server.traffic().bytesIn());
        m.put("bytesOut", (double) server.traffic().bytesOut());
        List<ServerSnapshot.Rollback> rollbacks = serving.rollbacks();
        if (!rollbacks.isEmpty()) {
          ServerSnapshot.Rollback last = rollbacks.get(rollbacks.size() - 1);
          m.put("recovery.clocksLost", (double) last.clocksLost());
          m.put("recovery.pushesLost", (double) last.pushesLost());
        }
        if (writer != null) {
          m.putAll(writer.metrics());
        }
        return m;
      };
      ContainerMetrics.publishLater(boot.env().role(), index, figures, ContainerMetrics.START_AFTER_MS);
      control.startHeartbeats(boot.env().heartbeatMs(), figures, reply -> {
        if (reply.checkpointAt() >= 0) {
          layouts.current().cutRequests().request(reply.checkpointAt());
        }
        layouts.changed(reply.change());
      });
      try {
        control.stopRequested().join();
        LOG.info("server {} stopping at the AM's request; {} keys stored", index, layouts.current().keys());
        if (writer != null) {
          // The final checkpoint, taken when the last worker finished, may still be in writing: its
          // figures reach the job's report in one more report, sent once it is on the file system.
          writer.close();
          control.lastReport(figures);
        }
        return 0;
      } catch (RuntimeException e) {
        LOG.error("server {} lost the ApplicationMaster; exiting", index, e);
        return 1;
      } finally {
        if (writer != null) {
          writer.close();
        }
      }
    }
  }

  /**
   * A replacement restores the job's newest checkpoint that reads whole (a damaged one is refused
   * and the one before taken); a first server with a {@code resumeFrom} takes the keys it owns from
   * every server file of that checkpoint. Returns what it did, as metrics for the AM.
   */
  static Map<String, Double> restore(ServerStore store, ServerStateEnv state, int index, int numServers,
      CheckpointWriter writer, Configuration conf) throws IOException {
    Map<String, Double> done = new LinkedHashMap<>();
    long start = System.nanoTime();
    if (writer != null) {
      List<String> refused = new ArrayList<>();
      Optional<Checkpoints.Loaded> latest = writer.checkpoints().latest(index, numServers, refused);
      done.put("recovery.refusedCheckpoints", (double) refused.size());
      if (latest.isPresent()) {
        ServerSnapshot s = latest.get().snapshot();
        store.restore(s, key -> true, true);
        done.put("recovery.restoredClock", (double) s.clock());
        done.put("recovery.restoredKeys", (double) s.keys());
        done.put("recovery.restoreSeconds", (System.nanoTime() - start) / 1e9);
        LOG.info("server {} restored {} keys from {} (clock {}) in {} ms{}", index, s.keys(), latest.get().file(),
            s.clock(), (System.nanoTime() - start) / 1_000_000, refused.isEmpty() ? "" : "; refused: " + refused);
        return done;
      }
      if (!refused.isEmpty()) {
        throw new IOException("server " + index + " found checkpoints but none it can read: " + refused);
      }
    }
    if (!state.resumeFrom().isEmpty()) {
      Path from = new Path(state.resumeFrom());
      List<ServerSnapshot> all = Checkpoints.readWhole(from.getFileSystem(conf), from);
      Partitioner partitioner = Partitioner.create(state.partitioner(), numServers, state.virtualNodes());
      for (ServerSnapshot s : all) {
        store.restore(s, key -> partitioner.serverOf(key) == index, false);
      }
      done.put("warmStart.keys", (double) store.keys());
      done.put("warmStart.fromClock", (double) all.get(0).clock());
      done.put("warmStart.seconds", (System.nanoTime() - start) / 1e9);
      LOG.info("server {} took {} keys from the checkpoint {} of {} servers at clock {} in {} ms", index, store.keys(),
          from, all.size(), all.get(0).clock(), (System.nanoTime() - start) / 1_000_000);
    }
    return done;
  }

  /**
   * Joins the job's replicas. A first server registers, then connects the replicas of its ranges
   * once every server is known. A replacement (the view names a holder for every range while it
   * is not registered) first asks the holder of each of its ranges to hand the range over (copy
   * and forward), then registers: the AM adds it as a holder of its ranges.
   */
  static Map<String, Double> joinReplicas(ServerStore store, ControlClient control, ContainerBootstrap boot, int index,
      int numServers, int port) throws IOException {
    Map<String, Double> done = new LinkedHashMap<>();
    dev.psyarn.ps.wire.ControlMessages.ClusterView now = control.clusterViewNow();
    if (now.servers().length < numServers) {
      control.register(boot.env().role(), index, boot.host(), port);
      store.replicateTo(addresses(control.clusterView(), numServers));
      return done;
    }
    long start = System.nanoTime();
    String[] holders = addresses(now, numServers);
    long keys = 0;
    for (int range : store.ranges()) {
      try (RpcClient holder = RpcClient.connect(address(holders[range]), boot.secret(), Protocols.DATA,
          ContainerBootstrap.CONNECT_TIMEOUT)) {
        var reply = (dev.psyarn.ps.wire.DataMessages.HandoverReply) holder.call(
            new dev.psyarn.ps.wire.DataMessages.Handover(range, index, boot.host(), port)).join();
        ServerSnapshot s = Checkpoints.decode(reply.snapshot());
        store.takeOver(range, s, holders[range], reply.replicas());
        keys += s.keys();
        LOG.info("server {} took range {} over from {}: {} keys", index, range, holders[range], s.keys());
      }
    }
    store.opened();
    control.register(boot.env().role(), index, boot.host(), port);
    done.put("recovery.handedOverKeys", (double) keys);
    done.put("recovery.handoverSeconds", (System.nanoTime() - start) / 1e9);
    return done;
  }

  private static String[] addresses(dev.psyarn.ps.wire.ControlMessages.ClusterView view, int numServers) {
    String[] where = new String[numServers];
    for (var s : view.servers()) {
      where[s.index()] = s.host() + ":" + s.port();
    }
    return where;
  }

  private static InetSocketAddress address(String hostPort) {
    int colon = hostPort.lastIndexOf(':');
    return new InetSocketAddress(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
  }

  /** Writes snapshots on a thread of its own, one at a time, so the data plane never waits for the file system. */
  static final class CheckpointWriter implements AutoCloseable {

    private final Checkpoints checkpoints;
    private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "psyarn-checkpoint-writer");
      t.setDaemon(true);
      return t;
    });
    private volatile int written;
    private volatile int lastClock = -1;
    private volatile double lastSeconds;
    private volatile int failed;

    CheckpointWriter(Checkpoints checkpoints) {
      this.checkpoints = checkpoints;
    }

    Checkpoints checkpoints() {
      return checkpoints;
    }

    void submit(ServerSnapshot snapshot) {
      thread.execute(() -> {
        long start = System.nanoTime();
        try {
          checkpoints.write(snapshot);
          lastSeconds = (System.nanoTime() - start) / 1e9;
          lastClock = snapshot.clock();
          written++;
        } catch (IOException | RuntimeException e) {
          failed++;
          LOG.error("cannot write the checkpoint at clock {}: {}", snapshot.clock(), e.toString(), e);
        }
      });
    }

    Map<String, Double> metrics() {
      Map<String, Double> m = new LinkedHashMap<>();
      m.put("checkpoint.written", (double) written);
      m.put("checkpoint.lastClock", (double) lastClock);
      m.put("checkpoint.lastSeconds", lastSeconds);
      m.put("checkpoint.failed", (double) failed);
      return m;
    }

    @Override
    public void close() throws InterruptedException {
      thread.shutdown();
      thread.awaitTermination(60, TimeUnit.SECONDS);
    }
  }
}
