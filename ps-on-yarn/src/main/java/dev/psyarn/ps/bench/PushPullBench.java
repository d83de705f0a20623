package dev.psyarn.ps.bench;

import dev.psyarn.ps.store.ServerStore;
import dev.psyarn.ps.transport.AppSecret;
import dev.psyarn.ps.transport.RpcClient;
import dev.psyarn.ps.transport.RpcServer;
import dev.psyarn.ps.wire.Protocols;
import dev.psyarn.ps.worker.KVWorker;
import dev.psyarn.ps.worker.KeyRanges;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Push and pull throughput of one worker against one server over loopback TCP, through the real
 * transport (authenticated Netty, bulk codec) and store (a table summing pushes). Each timed run
 * keeps {@code window} requests in flight; medians over runs are reported.
 */
public final class PushPullBench {

  /** A request shape: keys a request and floats a key. */
  public record Shape(int keys, int width) {
    public String label() {
      return (keys >= 1000 ? keys / 1000 + "k" : Integer.toString(keys)) + "×" + width;
    }

    long valueBytes() {
      return (long) keys * width * Float.BYTES;
    }
  }

  /**
   * Medians for one shape.
   *
   * @param shape the request shape
   * @param pushKeysPerSecond keys pushed a second
   * @param pullKeysPerSecond keys pulled a second
   * @param pushGigabytesPerSecond value bytes pushed a second, 10^9
   * @param pullGigabytesPerSecond value bytes pulled a second, 10^9
   * @param loopbackGigabytesPerSecond the ceiling: value bytes a second that plain TCP over
   *     loopback carries when it only streams frames of this shape's push size (keys and values)
   *     from one socket to another, with no codec, store or answer
   */
  public record Figures(Shape shape, double pushKeysPerSecond, double pullKeysPerSecond,
      double pushGigabytesPerSecond, double pullGigabytesPerSecond, double loopbackGigabytesPerSecond) {}

  /**
   * ps-lite's figures on this machine kind (shared/data/README.md), in value GB/s, for the shapes
   * it was measured on; NaN where it was not.
   */
  public static double psLitePushGigabytesPerSecond(Shape shape) {
    return psLite(shape, 69e6 * 4 / 1e9, 0.8, 1.5);
  }

  /** As {@link #psLitePushGigabytesPerSecond}, for pulls. */
  public static double psLitePullGigabytesPerSecond(Shape shape) {
    return psLite(shape, 69e6 * 4 / 1e9, 1.1, 1.4);
  }

  private static double psLite(Shape shape, double width1, double width8, double width64) {
    if (shape.keys() == 1_000 && shape.width() == 1) {
      return 5.4e6 * 4 / 1e9;
    }
    if (shape.keys() != 100_000) {
      return Double.NaN;
    }
    return switch (shape.width()) {
      case 1 -> width1;
      case 8 -> width8;
      case 64 -> width64;
      default -> Double.NaN;
    };
  }

  /** The shapes of issue 3 and ps-lite's reference figures. */
  public static final List<Shape> STANDARD = List.of(new Shape(1_000, 1), new Shape(100_000, 1),
      new Shape(100_000, 8), new Shape(100_000, 64), new Shape(10_000, 1024));

  private final int runs;
  private final Duration perRun;
  private final int window;
  private final PrintStream progress;

  public PushPullBench(int runs, Duration perRun, int window, PrintStream progress) {
    this.runs = runs;
    this.perRun = perRun;
    this.window = window;
    this.progress = progress;
  }

  public List<Figures> run(List<Shape> shapes) throws IOException {
    AppSecret secret = AppSecret.generate();
    List<Figures> out = new ArrayList<>();
    for (Shape shape : shapes) {
      out.add(alone(secret, shape, ""));
    }
    return out;
  }

  /** One worker against one server on loopback, both with {@code secret} (and its TLS, if it has one). */
  private Figures alone(AppSecret secret, Shape shape, String label) throws IOException {
    try (RpcServer server = RpcServer.start(new InetSocketAddress("127.0.0.1", 0), secret, Protocols.DATA,
            new ServerStore(), "bench server");
        KVWorker kv = new KVWorker(KeyRanges.even(1), List.of(RpcClient.connect(
            new InetSocketAddress("127.0.0.1", server.port()), secret, Protocols.DATA, Duration.ofSeconds(10))))) {
      progress.print(label);
      return measure(kv, shape);
    }
  }

  /**
   * For each shape, side by side: one worker against one server, then against a server whose
   * range is replicated on a second one ({@code replication: 1}: every push is applied, forwarded
   * and acknowledged by the replica before the worker's acknowledgement). Both servers on
   * loopback; the keys are the first server's range.
   */
  public List<Figures[]> runReplicated(List<Shape> shapes) throws IOException {
    AppSecret secret = AppSecret.generate();
    List<Figures[]> out = new ArrayList<>();
    for (Shape shape : shapes) {
      Figures plain = alone(secret, shape, "replication 0: ");
      KeyRanges ranges = KeyRanges.even(2); // the bench's keys are all at or above 0: range 1
      ServerStore.Peers peers = (host, port) -> RpcClient.connect(new InetSocketAddress(host, port), secret,
          Protocols.DATA, Duration.ofSeconds(10));
      ServerStore replica = new ServerStore(0, 2, 1, 0, snapshot -> {}, new ServerStore.Replication(1, ranges, peers));
      ServerStore primary = new ServerStore(1, 2, 1, 0, snapshot -> {}, new ServerStore.Replication(1, ranges, peers));
      try (RpcServer replicaServer = RpcServer.start(new InetSocketAddress("127.0.0.1", 0), secret, Protocols.DATA,
              replica, "bench replica");
          RpcServer primaryServer = RpcServer.start(new InetSocketAddress("127.0.0.1", 0), secret, Protocols.DATA,
              primary, "bench primary")) {
        String[] where = {"127.0.0.1:" + replicaServer.port(), "127.0.0.1:" + primaryServer.port()};
        replica.replicateTo(where);
        primary.replicateTo(where);
        try (KVWorker kv = new KVWorker(ranges, List.of(
            RpcClient.connect(new InetSocketAddress("127.0.0.1", replicaServer.port()), secret, Protocols.DATA,
                Duration.ofSeconds(10)),
            RpcClient.connect(new InetSocketAddress("127.0.0.1", primaryServer.port()), secret, Protocols.DATA,
                Duration.ofSeconds(10))))) {
          progress.print("replication 1: ");
          out.add(new Figures[] {plain, measure(kv, shape)});
        }
      }
    }
    return out;
  }

  /**
   * For each shape, side by side: one worker against one server over plain TCP, then the same in
   * TLS ({@code tls}: the application's identity, as a job with {@code security.tls} runs).
   */
  public List<Figures[]> runWithTls(List<Shape> shapes, dev.psyarn.ps.transport.TlsIdentity tls) throws IOException {
    AppSecret plainSecret = AppSecret.generate();
    AppSecret tlsSecret = plainSecret.withTls(tls);
    List<Figures[]> out = new ArrayList<>();
    for (Shape shape : shapes) {
      out.add(new Figures[] {alone(plainSecret, shape, "plain TCP: "), alone(tlsSecret, shape, "TLS:       ")});
    }
    return out;
  }

  private Figures measure(KVWorker kv, Shape shape) throws IOException {
    kv.createTable(0, shape.width());
    long[] keys = new long[shape.keys()];
    for (int i = 0; i < keys.length; i++) {
      keys[i] = i * 7919L;
    }
    float[] values = new float[shape.keys() * shape.width()];
    Random random = new Random(3);
    for (int i = 0; i < values.length; i++) {
      values[i] = random.nextFloat();
    }
    float[][] outs = new float[window][values.length];
    // Warm-up: the first seconds of a shape run slower (compilation of its loops, the heap and
    // Netty's pools growing to their working size), by up to a quarter at 100k × 64.
    for (int w = 0; w < 2; w++) {
      timed(kv, keys, values, outs, true, perRun);
      timed(kv, keys, values, outs, false, perRun);
    }
    double[] push = new double[runs];
    double[] pull = new double[runs];
    double[] loopback = new double[runs];
    for (int r = 0; r < runs; r++) {
      push[r] = timed(kv, keys, values, outs, true, perRun);
      pull[r] = timed(kv, keys, values, outs, false, perRun);
      loopback[r] = loopbackFrames(shape.keys() * Long.BYTES + (int) shape.valueBytes(), perRun);
    }
    double pushRequests = median(push);
    double pullRequests = median(pull);
    Figures f = new Figures(shape, pushRequests * shape.keys(), pullRequests * shape.keys(),
        pushRequests * shape.valueBytes() / 1e9, pullRequests * shape.valueBytes() / 1e9,
        median(loopback) * shape.valueBytes() / 1e9);
    progress.printf(Locale.ROOT, "%-9s push %8.2f M keys/s %6.2f GB/s   pull %8.2f M keys/s %6.2f GB/s   loopback %6.2f GB/s%n",
        shape.label(), f.pushKeysPerSecond() / 1e6, f.pushGigabytesPerSecond(), f.pullKeysPerSecond() / 1e6,
        f.pullGigabytesPerSecond(), f.loopbackGigabytesPerSecond());
    return f;
  }

  /**
   * Frames of {@code frameBytes} a second that one thread streams to another over loopback TCP
   * with plain NIO channels and direct buffers: one copy into the kernel and one out of it per
   * byte, which any data plane on this machine pays too.
   */
  static double loopbackFrames(int frameBytes, Duration length) throws IOException {
    try (ServerSocketChannel listener = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
        SocketChannel sender = SocketChannel.open(listener.getLocalAddress());
        SocketChannel receiver = listener.accept()) {
      sender.setOption(StandardSocketOptions.TCP_NODELAY, true);
      AtomicBoolean stop = new AtomicBoolean();
      Thread writer = new Thread(() -> {
        ByteBuffer frame = ByteBuffer.allocateDirect(frameBytes);
        try {
          while (!stop.get()) {
            frame.clear();
            while (frame.hasRemaining()) {
              sender.write(frame);
            }
          }
        } catch (IOException closed) {
          // the measurement is over and the receiver hung up
        }
      }, "loopback writer");
      writer.setDaemon(true);
      writer.start();
      ByteBuffer in = ByteBuffer.allocateDirect(Math.min(frameBytes, 4 << 20));
      long warmEnd = System.nanoTime() + length.toNanos() / 4;
      while (System.nanoTime() < warmEnd) {
        in.clear();
        receiver.read(in);
      }
      long bytes = 0;
      long start = System.nanoTime();
      long end = start + length.toNanos();
      while (System.nanoTime() < end) {
        in.clear();
        bytes += receiver.read(in);
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      stop.set(true);
      receiver.close();
      sender.close();
      return bytes / (double) frameBytes / seconds;
    }
  }

  /** Requests completed a second, keeping {@code window} in flight. */
  private double timed(KVWorker kv, long[] keys, float[] values, float[][] outs, boolean push, Duration length) {
    ArrayDeque<Long> inFlight = new ArrayDeque<>();
    long start = System.nanoTime();
    long end = start + length.toNanos();
    long done = 0;
    int next = 0;
    while (System.nanoTime() < end) {
      if (inFlight.size() == window) {
        kv.waitFor(inFlight.poll());
        done++;
      }
      inFlight.add(push ? kv.push(0, keys, values) : kv.pull(0, keys, outs[next++ % outs.length]));
    }
    while (!inFlight.isEmpty()) {
      kv.waitFor(inFlight.poll());
      done++;
    }
    return done / ((System.nanoTime() - start) / 1e9);
  }

  private static double median(double[] xs) {
    double[] sorted = xs.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }
}
