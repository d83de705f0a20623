package dev.psyarn.ps.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.psyarn.ps.store.ServerStore;
import dev.psyarn.ps.wire.ControlMessages;
import dev.psyarn.ps.wire.DataMessages;
import dev.psyarn.ps.wire.Protocols;
import java.io.DataOutputStream;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Both planes over real Netty on loopback: authentication, round trips, errors. */
class RpcTransportTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(5);
  private final AppSecret secret = AppSecret.generate();

  private static InetSocketAddress loopback(RpcServer server) {
    return new InetSocketAddress("127.0.0.1", server.port());
  }

  @Test
  void dataPlaneServesPushAndPullToAnAuthenticatedWorker() throws Exception {
    try (RpcServer server = RpcServer.start(new InetSocketAddress("127.0.0.1", 0), secret, Protocols.DATA,
            new ServerStore(), "test data plane");
        RpcClient client = RpcClient.connect(loopback(server), secret, Protocols.DATA, TIMEOUT)) {
      client.call(new DataMessages.CreateTable(0, 2, dev.psyarn.ps.update.UpdaterSpec.SUM)).get(5, TimeUnit.SECONDS);
      client.call(new DataMessages.Push(0, new long[] {1, 2}, new float[] {1, 2, 3, 4})).get(5, TimeUnit.SECONDS);
      Object result = client.call(new DataMessages.Pull(0, new long[] {2, 3}, Integer.MIN_VALUE)).get(5, TimeUnit.SECONDS);
      assertArrayEquals(new float[] {3, 4, 0, 0}, ((DataMessages.PullResult) result).toArray());
    }
  }

  @Test
  void largeRequestsAndAnswersArriveWholeAndInOrder() throws Exception {
    // 100k keys × 64 floats: 26 MB frames, far above Netty's 4 MiB growth step and its pool's chunks.
    int keys = 100_000;
    int width = 64;
    try (RpcServer server = RpcServer.start(new InetSocketAddress("127.0.0.1", 0), secret, Protocols.DATA,
            new ServerStore(), "test data plane");
        RpcClient client = RpcClient.connect(loopback(server), secret, Protocols.DATA, TIMEOUT)) {
      client.call(new DataMessages.CreateTable(0, width, dev.psyarn.ps.update.UpdaterSpec.SUM)).get(5, TimeUnit.SECONDS);
      long[] k = new long[keys];
      float[] v = new float[keys * width];
      for (int i = 0; i < keys; i++) {
        k[i] = 7L * i;
        for (int j = 0; j < width; j++) {
          v[i * width + j] = i % 1000 + j;
        }
      }
      // Three pushes in flight at once, then one pull: the sums must be exact.
      var a = client.call(new DataMessages.Push(0, k, v));
      var b = client.call(new DataMessages.Push(0, k, v));
      var c = client.call(new DataMessages.Push(0, k, v));
      a.get(30, TimeUnit.SECONDS);
      b.get(30, TimeUnit.SECONDS);
      c.get(30, TimeUnit.SECONDS);
      float[] got = ((DataMessages.PullResult) client.call(new DataMessages.Pull(0, k, Integer.MIN_VALUE))
          .get(30, TimeUnit.SECONDS)).toArray();
      assertEquals(v.length, got.length);
      for (int i = 0; i < v.length; i++) {
        if (got[i] != 3 * v[i]) {
          assertEquals(3 * v[i], got[i], "value " + i);
        }
      }
    }
  }

  /** Forwards one connection to a server until {@code budget} bytes from the client have passed, then cuts it. */
  private static final class CuttingRelay implements AutoCloseable {
    final java.net.ServerSocket listener = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
    final java.util.concurrent.atomic.AtomicLong forwarded = new java.util.concurrent.atomic.AtomicLong();

    CuttingRelay(InetSocketAddress target, long budget) throws java.io.IOException {
      Thread relay = new Thread(() -> {
        try (Socket in = listener.accept(); Socket out = new Socket(target.getAddress(), target.getPort())) {
          Thread back = new Thread(() -> {
            try {
              out.getInputStream().transferTo(in.getOutputStream());
            } catch (java.io.IOException closed) {
              // cut
            }
          });
          back.setDaemon(true);
          back.start();
          byte[] buffer = new byte[8192];
          InputStream from = in.getInputStream();
          java.io.OutputStream to = out.getOutputStream();
          for (int n = from.read(buffer); n >= 0 && forwarded.get() < budget; n = from.read(buffer)) {
            int pass = (int) Math.min(n, budget - forwarded.get());
            to.write(buffer, 0, pass);
            to.flush();
            forwarded.addAndGet(pass);
          }
        } catch (java.io.IOException e) {
          // the test closed the relay
        }
      });
      relay.setDaemon(true);
      relay.start();
    }

    InetSocketAddress address() {
      return new InetSocketAddress("127.0.0.1", listener.getLocalPort());
    }

    @Override
    public void close() throws java.io.IOException {
      listener.close();
    }
  }

  @Test
  void aPushCutOffMidFrameByALostConnectionIsCompletedExactlyOnceByItsReplay() throws Exception {
    // A worker's push whose connection is lost mid-way through its values (its JVM died): the server
    // has added the rows that came; the replacement's replay of the same push adds the others only.
    int keys = 100_000;
    int width = 16;
    long[] k = new long[keys];
    float[] v = new float[keys * width];
    for (int i = 0; i < v.length; i++) {
      v[i] = 1 + i % 97;
    }
    for (int i = 0; i < keys; i++) {
      k[i] = 11L * i;
    }
    ServerStore store = new ServerStore();
    try (RpcServer server = RpcServer.start(new InetSocketAddress("127.0.0.1", 0), secret, Protocols.DATA, store,
            "test data plane");
        CuttingRelay relay = new CuttingRelay(loopback(server), 3_000_000)) { // the keys (800 KB), then 2.2 MB of values
      try (RpcClient dying = RpcClient.connect(relay.address(), secret, Protocols.DATA, TIMEOUT)) {
        dying.call(new DataMessages.CreateTable(0, width, dev.psyarn.ps.update.UpdaterSpec.SUM)).get(5, TimeUnit.SECONDS);
        ExecutionException cut = assertThrows(ExecutionException.class,
            () -> dying.call(new DataMessages.Push(0, k, v, 0, 1)).get(30, TimeUnit.SECONDS));
        assertTrue(relay.forwarded.get() >= 3_000_000, "the relay cut the push: " + cut.getCause());
      }
      for (long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
          store.pushesCutOff() == 0 && System.nanoTime() < deadline; ) {
        Thread.sleep(20); // the server notices the lost connection
      }
      assertEquals(1, store.pushesCutOff(), "the server saw the push cut off");
      assertEquals(0, store.keysPushed(), "a push cut off is not counted as pushed");
      try (RpcClient replacement = RpcClient.connect(loopback(server), secret, Protocols.DATA, TIMEOUT)) {
        replacement.call(new DataMessages.Push(0, k, v, 0, 1)).get(30, TimeUnit.SECONDS);
        long rest = store.keysPushed();
        assertTrue(rest > 0 && rest < keys - 100_000 / width, "the replay added the rows the cut-off push had not: " + rest);
        replacement.call(new DataMessages.Push(0, k, v, 0, 1)).get(30, TimeUnit.SECONDS); // once more: dropped
        float[] got = ((DataMessages.PullResult) replacement.call(new DataMessages.Pull(0, k, Integer.MIN_VALUE))
            .get(30, TimeUnit.SECONDS)).toArray();
        assertArrayEquals(v, got, "every value exactly once");
        assertEquals(rest, store.keysPushed());
        assertEquals(1, store.pushesDropped());
      }
    }
  }

  @Test
  void pullsInFlightOverTwoServersEachGetTheirOwnValues() throws Exception {
    // Answers are read in place from their frames, which the connection then reuses: every pull
    // of several in flight, split over two servers or whole on one, must get its own values.
    int keys = 80_000; // large frames (reused buffers) on both servers
    int width = 2;
    try (RpcServer a = RpcServer.start(new InetSocketAddress("127.0.0.1", 0), secret, Protocols.DATA,
            new ServerStore(), "test server a");
        RpcServer b = RpcServer.start(new InetSocketAddress("127.0.0.1", 0), secret, Protocols.DATA,
            new ServerStore(), "test server b");
        dev.psyarn.ps.worker.KVWorker kv = new dev.psyarn.ps.worker.KVWorker(
            new dev.psyarn.ps.worker.ConsistentHashRing(2, 16), java.util.List.of(
                RpcClient.connect(loopback(a), secret, Protocols.DATA, TIMEOUT),
                RpcClient.connect(loopback(b), secret, Protocols.DATA, TIMEOUT)))) {
      kv.createTable(0, width);
      long[] k = new long[keys];
      float[] v = new float[keys * width];
      for (int i = 0; i < keys; i++) {
        k[i] = 3L * i;
        v[i * width] = i;
        v[i * width + 1] = -i;
      }
      long[] rounds = new long[4];
      float[][] outs = new float[rounds.length][v.length];
      for (int r = 0; r < rounds.length; r++) {
        kv.waitFor(kv.push(0, k, v));
        rounds[r] = kv.pull(0, k, outs[r]); // still in flight while the next push goes out
      }
      for (int r = 0; r < rounds.length; r++) {
        kv.waitFor(rounds[r]);
      }
      for (int r = 0; r < rounds.length; r++) {
        for (int i = 0; i < v.length; i++) {
          if (outs[r][i] != (r + 1) * v[i]) {
            assertEquals((r + 1) * v[i], outs[r][i], "pull " + r + ", value " + i);
          }
        }
      }
    }
  }

  @Test
  void bothEndsCountEveryByteTheOtherSent() throws Exception {
    try (RpcServer server = RpcServer.start(new InetSocketAddress("127.0.0.1", 0), secret, Protocols.DATA,
            new ServerStore(), "test data plane");
        RpcClient client = RpcClient.connect(loopback(server), secret, Protocols.DATA, TIMEOUT)) {
      client.call(new DataMessages.CreateTable(0, 1, dev.psyarn.ps.update.UpdaterSpec.SUM)).get(5, TimeUnit.SECONDS);
      long before = client.traffic().bytesOut();
      long[] keys = new long[1000];
      for (int i = 0; i < keys.length; i++) {
        keys[i] = i;
      }
      client.call(new DataMessages.Push(0, keys, new float[1000])).get(5, TimeUnit.SECONDS);
      assertTrue(client.traffic().bytesOut() - before >= 1000 * 12, "keys and values went out");
      assertEquals(client.traffic().bytesOut(), server.traffic().bytesIn());
      assertEquals(server.traffic().bytesOut(), client.traffic().bytesIn());
    }
  }

  @Test
  void dataPlaneRefusesAPeerWithoutTheSecret() throws Exception {
    try (RpcServer server = RpcServer.start(new InetSocketAddress("127.0.0.1", 0), secret, Protocols.DATA,
        new ServerStore(), "test data plane")) {
      assertThrows(AuthenticationException.class,
          () -> RpcClient.connect(loopback(server), AppSecret.generate(), Protocols.DATA, TIMEOUT));
      // The server still serves those who hold the secret.
      try (RpcClient ok = RpcClient.connect(loopback(server), secret, Protocols.DATA, TIMEOUT)) {
        assertInstanceOf(DataMessages.Ack.class, ok.call(new DataMessages.CreateTable(0, 1, dev.psyarn.ps.update.UpdaterSpec.SUM)).get(5, TimeUnit.SECONDS));
      }
    }
  }

  @Test
  void controlPlaneRefusesAPeerWithoutTheSecret() throws Exception {
    RequestHandler am = (request, reply) -> reply.ok(new ControlMessages.Ack());
    try (RpcServer server = RpcServer.start(new InetSocketAddress("127.0.0.1", 0), secret, Protocols.CONTROL, am,
        "test control plane")) {
      assertThrows(AuthenticationException.class,
          () -> RpcClient.connect(loopback(server), AppSecret.generate(), Protocols.CONTROL, TIMEOUT));
      try (RpcClient ok = RpcClient.connect(loopback(server), secret, Protocols.CONTROL, TIMEOUT)) {
        assertInstanceOf(ControlMessages.Ack.class,
            ok.call(new ControlMessages.GetClusterView()).get(5, TimeUnit.SECONDS));
      }
    }
  }

  @Test
  void rawBytesWithoutTheHandshakeGetTheConnectionClosed() throws Exception {
    try (RpcServer server = RpcServer.start(new InetSocketAddress("127.0.0.1", 0), secret, Protocols.DATA,
            new ServerStore(), "test data plane");
        Socket socket = new Socket("127.0.0.1", server.port())) {
      socket.setSoTimeout(5000);
      DataOutputStream out = new DataOutputStream(socket.getOutputStream());
      out.writeInt(100_000_000); // a huge frame length: must not be buffered before authentication
      out.write(new byte[64]);
      out.flush();
      InputStream in = socket.getInputStream();
      byte[] challenge = new byte[4 + 4 + 32];
      assertEquals(challenge.length, in.readNBytes(challenge, 0, challenge.length),
          "the server first sends its challenge frame: length, magic, nonce");
      assertEquals(-1, in.read(), "then closes the connection");
    }
  }

  @Test
  void aClientRefusesAPeerThatIsNotAPsyarnEndpoint() throws Exception {
    try (java.net.ServerSocket fake = new java.net.ServerSocket(0)) {
      Thread t = new Thread(() -> {
        try (Socket s = fake.accept()) {
          s.getOutputStream().write(new byte[] {0, 0, 0, 36, 'H', 'T', 'T', 'P'});
          s.getOutputStream().write(new byte[32]);
          s.getInputStream().read();
        } catch (Exception ignored) {
          // the client hangs up
        }
      });
      t.start();
      AuthenticationException e = assertThrows(AuthenticationException.class, () -> RpcClient.connect(
          new InetSocketAddress("127.0.0.1", fake.getLocalPort()), secret, Protocols.DATA, TIMEOUT));
      assertTrue(e.getMessage().contains("not a psyarn endpoint"), e.getMessage());
      t.join(5000);
    }
  }

  @Test
  void remoteErrorsAndUnregisteredClassesFailTheCallNotTheConnection() throws Exception {
    try (RpcServer server = RpcServer.start(new InetSocketAddress("127.0.0.1", 0), secret, Protocols.DATA,
            new ServerStore(), "test data plane");
        RpcClient client = RpcClient.connect(loopback(server), secret, Protocols.DATA, TIMEOUT)) {
      ExecutionException remote = assertThrows(ExecutionException.class,
          () -> client.call(new DataMessages.Pull(9, new long[] {1}, Integer.MIN_VALUE)).get(5, TimeUnit.SECONDS));
      assertInstanceOf(RemoteException.class, remote.getCause());
      assertTrue(remote.getCause().getMessage().contains("no table 9"), remote.getCause().getMessage());
      assertThrows(ExecutionException.class, () -> client.call(new java.util.Date()).get(5, TimeUnit.SECONDS));
      assertInstanceOf(DataMessages.Ack.class, client.call(new DataMessages.CreateTable(1, 1, dev.psyarn.ps.update.UpdaterSpec.SUM)).get(5, TimeUnit.SECONDS));
    }
  }

  @Test
  void theSecretIsNeverPrinted() {
    assertTrue(secret.toString().contains("redacted"));
    assertThrows(IllegalArgumentException.class, () -> AppSecret.of(new byte[4]));
  }
}
