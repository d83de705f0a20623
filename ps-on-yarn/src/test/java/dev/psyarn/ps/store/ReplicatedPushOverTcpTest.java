package dev.psyarn.ps.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.psyarn.ps.transport.AppSecret;
import dev.psyarn.ps.transport.RpcClient;
import dev.psyarn.ps.transport.RpcServer;
import dev.psyarn.ps.wire.Protocols;
import dev.psyarn.ps.worker.KVWorker;
import dev.psyarn.ps.worker.KeyRanges;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Large pushes to a server whose range has a replica, over loopback TCP: each is gathered from
 * its stream, applied and forwarded from the array it was gathered in, written to the replica a
 * piece at a time. Several are in flight at once and the replica's connection is slow (a relay
 * that pauses), so an array given back before the replica had all of it would be reused under a
 * later push while its forward was still being written, and the replica's sums would be off.
 */
class ReplicatedPushOverTcpTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  @Test
  void pushesInFlightTogetherReachTheReplicaExactly() throws IOException {
    AppSecret secret = AppSecret.generate();
    KeyRanges ranges = KeyRanges.even(2); // keys at or above 0 are range 1's
    Relay[] relay = new Relay[1];
    ServerStore.Peers peers = (host, port) -> {
      if (relay[0] == null || port != relay[0].target) {
        return connect(secret, port);
      }
      return connect(secret, relay[0].port()); // the primary's forwards to the replica
    };
    ServerStore replica = new ServerStore(0, 2, 1, 0, snapshot -> {}, new ServerStore.Replication(1, ranges, peers));
    ServerStore primary = new ServerStore(1, 2, 1, 0, snapshot -> {}, new ServerStore.Replication(1, ranges, peers));
    int keys = 40_000;
    int width = 8; // 1.28 MB of values a push: streamed in, forwarded in pieces
    int pushes = 12;
    long[] k = new long[keys];
    for (int i = 0; i < keys; i++) {
      k[i] = 3 + i * 7919L;
    }
    float[] expected = new float[keys * width];
    try (RpcServer replicaServer = RpcServer.start(new InetSocketAddress("127.0.0.1", 0), secret, Protocols.DATA,
            replica, "test replica");
        RpcServer primaryServer = RpcServer.start(new InetSocketAddress("127.0.0.1", 0), secret, Protocols.DATA,
            primary, "test primary");
        Relay slow = slowRelay(replicaServer.port())) {
      relay[0] = slow;
      String[] where = {"127.0.0.1:" + replicaServer.port(), "127.0.0.1:" + primaryServer.port()};
      replica.replicateTo(where);
      primary.replicateTo(where);
      try (KVWorker worker = new KVWorker(ranges, List.of(connect(secret, replicaServer.port()),
              connect(secret, primaryServer.port())));
          KVWorker viaReplica = new KVWorker(ranges, List.of(connect(secret, primaryServer.port()),
              connect(secret, replicaServer.port())))) {
        worker.createTable(0, width);
        viaReplica.createTable(0, width); // the same table: the servers have it already
        List<Long> sent = new ArrayList<>();
        for (int p = 0; p < pushes; p++) {
          float[] values = new float[keys * width];
          for (int i = 0; i < values.length; i++) {
            values[i] = (p + 1) * (i % 13 + 1); // small integers: their sums are exact in any order
            expected[i] += values[i];
          }
          sent.add(worker.push(0, k, values));
        }
        sent.forEach(worker::waitFor);

        assertArrayEquals(expected, pulled(worker, k, keys * width), "the primary's values");
        assertArrayEquals(expected, pulled(viaReplica, k, keys * width), "the replica's values");
        assertEquals((long) keys * pushes, primary.keysPushed());
      }
    }
  }

  /** A relay that pauses 20 ms after every 512 KiB towards its port. */
  private static Relay slowRelay(int target) throws IOException {
    return new Relay(target, (sent, n) -> {
      if ((sent + n) / (512 * 1024) > sent / (512 * 1024)) {
        Thread.sleep(20);
      }
      return n;
    });
  }

  private static float[] pulled(KVWorker from, long[] keys, int count) {
    float[] out = new float[count];
    from.waitFor(from.pull(0, keys, out));
    return out;
  }

  private static RpcClient connect(AppSecret secret, int port) throws IOException {
    return RpcClient.connect(new InetSocketAddress("127.0.0.1", port), secret, Protocols.DATA, TIMEOUT);
  }
}
