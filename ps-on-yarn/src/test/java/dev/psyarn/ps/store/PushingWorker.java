package dev.psyarn.ps.store;

import dev.psyarn.ps.transport.AppSecret;
import dev.psyarn.ps.transport.RpcClient;
import dev.psyarn.ps.wire.Protocols;
import dev.psyarn.ps.worker.KVWorker;
import dev.psyarn.ps.worker.KeyRanges;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A worker in a JVM of its own, for {@link WorkerKilledMidPushTest}: worker 0 of a job of one
 * server, it asks the server how far its pushes were applied, goes on after that, and pushes
 * {@code pushes} times the same large push (width 16, each value {@code 1 + i % 13}), then exits.
 *
 * <p>Arguments: the server's port, the file holding the job's secret, keys a push, pushes.
 */
public final class PushingWorker {

  private PushingWorker() {}

  static final int WIDTH = 16;

  static long[] keys(int n) {
    long[] keys = new long[n];
    for (int i = 0; i < n; i++) {
      keys[i] = 11 + i * 104_729L;
    }
    return keys;
  }

  static float[] values(int keys) {
    float[] values = new float[keys * WIDTH];
    for (int i = 0; i < values.length; i++) {
      values[i] = 1 + i % 13;
    }
    return values;
  }

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    AppSecret secret = AppSecret.of(Files.readAllBytes(Path.of(args[1])));
    int n = Integer.parseInt(args[2]);
    int pushes = Integer.parseInt(args[3]);
    RpcClient server = RpcClient.connect(new InetSocketAddress("127.0.0.1", port), secret, Protocols.DATA,
        Duration.ofSeconds(20));
    try (KVWorker kv = KVWorker.identified(0, KeyRanges.even(1), List.of(server))) {
      kv.createTable(0, WIDTH);
      long applied = kv.progress().lastSeq();
      System.out.println("applied " + applied);
      kv.continueAfter(applied);
      long[] keys = keys(n);
      float[] values = values(n);
      for (long p = applied; p < pushes; p++) {
        kv.waitFor(kv.push(0, keys, values));
        System.out.println("pushed " + (p + 1));
      }
    }
  }
}
