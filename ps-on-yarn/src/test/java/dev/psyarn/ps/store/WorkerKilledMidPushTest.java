package dev.psyarn.ps.store;

import static dev.psyarn.ps.store.StreamedPushTest.call;
import static dev.psyarn.ps.store.StreamedPushTest.pull;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.psyarn.ps.transport.AppSecret;
import dev.psyarn.ps.transport.RpcServer;
import dev.psyarn.ps.wire.DataMessages.Progress;
import dev.psyarn.ps.wire.DataMessages.ProgressReply;
import dev.psyarn.ps.wire.Protocols;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker's JVM killed by its PID in the middle of a large push, over loopback TCP: the server
 * has added the push's first rows as they arrived (a relay between them passes the first 12 MB
 * of the connection and then holds the rest back, so the kill lands mid-push every time), sees
 * the connection go, and records where the push stopped. The replacement worker, a new JVM, asks
 * how far its predecessor's pushes were applied, is told the push before that one, redoes it,
 * and the server adds only the keys the first had not reached: every key has the push once.
 */
class WorkerKilledMidPushTest {

  private static final int KEYS = 400_000; // 25.6 MB of values a push
  private static final int PASSED = 12 << 20;

  @Test
  void aWorkerKilledMidPushIsRedoneByItsReplacementAndEveryKeyHasThePushOnce(@TempDir Path dir) throws Exception {
    AppSecret secret = AppSecret.generate();
    Path secretFile = Files.createFile(dir.resolve("secret"),
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.write(secretFile, secret.bytes());
    ServerStore store = new ServerStore(0, 1, 1, 0, snapshot -> {});
    long[] keys = PushingWorker.keys(KEYS);
    CountDownLatch holding = new CountDownLatch(1);
    float[] values = PushingWorker.values(KEYS);
    try (RpcServer server = RpcServer.start(new InetSocketAddress("127.0.0.1", 0), secret, Protocols.DATA, store,
            "test server");
        Relay relay = new Relay(server.port(), (sent, n) -> {
          int pass = (int) Math.min(n, PASSED - sent);
          if (sent + pass == PASSED) {
            holding.countDown(); // the rest is held back
          }
          return pass;
        })) {
      Process first = worker(dir, "first", relay.port(), secretFile);
      assertTrue(holding.await(60, TimeUnit.SECONDS), "the first worker's push reached the relay");
      long[] firstKey = {keys[0]};
      await(() -> pull(store, firstKey)[0] != 0, "the server added the push's first rows");
      kill(first.pid());
      assertEquals(137, first.waitFor(), "killed by SIGKILL");
      await(() -> store.pushesCutOff() == 1, "the server saw the push cut off");
      int rowsIn = rowsWith(pull(store, keys));
      assertTrue(rowsIn > 0 && rowsIn < KEYS, "cut off mid-way: " + rowsIn + " of " + KEYS + " rows in");
      assertEquals(0, progress(store), "the cut-off push is not applied to every key");

      Process second = worker(dir, "second", server.port(), secretFile);
      assertTrue(second.waitFor(60, TimeUnit.SECONDS), "the replacement finished");
      assertEquals(0, second.exitValue(), Files.readString(dir.resolve("second.err")));
      assertEquals(List.of("applied 0", "pushed 1"), Files.readAllLines(dir.resolve("second.out")));
      assertArrayEquals(values, pull(store, keys), "every key has the push once");
      assertEquals(KEYS - rowsIn, store.keysPushed(), "the replacement's push added only the rows the first had not");
      assertEquals(1, progress(store));
    }
  }

  private static Process worker(Path dir, String name, int port, Path secret) throws IOException {
    return new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
        "-cp", System.getProperty("java.class.path"), PushingWorker.class.getName(), Integer.toString(port),
        secret.toString(), Integer.toString(KEYS), "1")
        .redirectOutput(dir.resolve(name + ".out").toFile())
        .redirectError(dir.resolve(name + ".err").toFile())
        .start();
  }

  private static void kill(long pid) throws Exception {
    Process kill = new ProcessBuilder("kill", "-KILL", Long.toString(pid)).inheritIO().start();
    assertEquals(0, kill.waitFor(), "kill -KILL " + pid);
  }

  private static long progress(ServerStore store) {
    return ((ProgressReply) call(store, new Progress(0, 0))).lastSeq();
  }

  /** Rows whose first value is set. */
  private static int rowsWith(float[] pulled) {
    int n = 0;
    for (int row = 0; row < pulled.length / PushingWorker.WIDTH; row++) {
      n += pulled[row * PushingWorker.WIDTH] != 0 ? 1 : 0;
    }
    return n;
  }

  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!condition.getAsBoolean()) {
      assertTrue(System.nanoTime() < deadline, "timed out waiting: " + what);
      Thread.sleep(20);
    }
  }
}
