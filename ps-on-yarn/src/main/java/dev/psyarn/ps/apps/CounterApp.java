package dev.psyarn.ps.apps;

import com.fasterxml.jackson.databind.JsonNode;
import dev.psyarn.ps.worker.KVWorker;
import dev.psyarn.specs.SpecNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The built-in end-to-end check: every worker pushes deterministic increments to keys spread over
 * the whole key space (so over all servers) for a number of rounds, waits for the others at a
 * barrier, pulls the totals back and compares them with the exact expected sums.
 *
 * <p>Pushes carry the worker's identity and sequence, so a replacement worker that runs the
 * rounds again adds only what its predecessor had not: the totals stay exact through worker
 * failures.
 *
 * <p>Increments are small integers and totals stay below 2^24, so float sums are exact and any
 * mismatch is a real lost, doubled or misrouted update.
 */
public final class CounterApp implements AppType {

  static final int TABLE = 0;
  private static final int MAX_INCREMENT = 97;

  @Override
  public String name() {
    return "counter";
  }

  @Override
  public void validate(SpecNode app) {
    app.allowOnly("type", "keys", "rounds", "pauseMs", "pieces");
    app.bool("pieces", false);
    app.integerOr("keys", 1000, 1, 10_000_000);
    app.integerOr("rounds", 3, 1, 100_000);
    app.integerOr("pauseMs", 0, 0, 60_000);
  }

  /** The number of workers times rounds that keeps every total exact in a float. */
  public static long maxWorkerRounds() {
    return (1L << 24) / MAX_INCREMENT;
  }

  /**
   * With {@code pieces: true}, the AM hands the work out as rounds × parts pieces (parts: the
   * workers the job was submitted with), whoever asks: the totals are the same for any number of
   * workers, so the job can be flexed.
   */
  @Override
  public PieceLayout pieces(JsonNode app, int workers) {
    return app.path("pieces").asBoolean(false) ? new PieceLayout(app.path("rounds").asInt(3), workers) : PieceLayout.NONE;
  }

  @Override
  public Map<String, Double> run(WorkerContext context) throws InterruptedException {
    if (context.config().path("pieces").asBoolean(false)) {
      return runPieces(context);
    }
    JsonNode config = context.config();
    int keyCount = config.path("keys").asInt(1000);
    int rounds = config.path("rounds").asInt(3);
    // A pause between rounds makes a check that runs long enough to watch, flex or fault.
    int pauseMs = config.path("pauseMs").asInt(0);
    checkExact(rounds, context.numWorkers());
    long[] keys = keys(keyCount);
    KVWorker kv = context.kv();
    kv.createTable(TABLE, 1);
    float[] increments = new float[keyCount];
    // One push a round, numbered round + 1: a replacement skips the rounds its predecessor had
    // applied on every server (a round applied on some only is sent again and dropped there).
    long applied = Math.min(rounds, kv.progress().lastSeq());
    kv.continueAfter(applied);
    for (int round = (int) applied; round < rounds; round++) {
      for (int i = 0; i < keyCount; i++) {
        increments[i] = increment(context.index(), round, i);
      }
      kv.waitFor(kv.push(TABLE, keys, increments));
      kv.waitFor(kv.clock(round)); // a round is an iteration: checkpoints are cut between rounds
      if (pauseMs > 0 && round + 1 < rounds) {
        Thread.sleep(pauseMs);
      }
    }
    context.coordinator().barrier("counter-pushed");
    Map<String, Double> results = check(kv, keys, context.numWorkers(), rounds, lostRounds(kv, context.numWorkers(), rounds));
    results.put("resumedRounds", (double) applied);
    return results;
  }

  @Override
  public Map<String, Object> summarize(List<Map<String, Double>> results) {
    Map<String, Object> summary = new LinkedHashMap<>();
    if (results.isEmpty()) {
      return summary;
    }
    Map<String, Double> first = results.get(0);
    summary.put("keys", first.getOrDefault("keys", 0.0).longValue());
    summary.put("expectedTotal", first.getOrDefault("expectedTotal", 0.0).longValue());
    summary.put("observedTotal", first.getOrDefault("observedTotal", 0.0).longValue());
    long mismatches = 0;
    for (Map<String, Double> r : results) {
      mismatches += r.getOrDefault("mismatches", 0.0).longValue();
      if (!r.get("observedTotal").equals(first.get("observedTotal"))) {
        mismatches++;
      }
    }
    summary.put("mismatches", mismatches);
    // What servers restored from checkpoints lost (rounds over all servers and workers), already
    // taken out of expectedTotal.
    summary.put("lostRounds", first.getOrDefault("lostRounds", 0.0).longValue());
    summary.put("lostIncrements", first.getOrDefault("lostIncrements", 0.0).longValue());
    summary.put("workersReporting", results.size());
    if (first.containsKey("pieces")) {
      // Pieces done over all workers (a piece redone after its worker was lost counts again).
      summary.put("piecesDone", results.stream().mapToLong(r -> r.getOrDefault("pieces", 0.0).longValue()).sum());
    }
    // Rounds replacement workers found applied by their predecessors and did not redo.
    summary.put("resumedRounds", results.stream().mapToLong(r -> r.getOrDefault("resumedRounds", 0.0).longValue()).sum());
    return summary;
  }

  @Override
  public Optional<String> verify(Map<String, Object> summary) {
    Object mismatches = summary.get("mismatches");
    if (mismatches == null) {
      return Optional.of("no worker reported counter results");
    }
    if (((Number) mismatches).longValue() != 0) {
      return Optional.of("counter totals wrong: " + mismatches + " mismatched keys (expected total "
          + summary.get("expectedTotal") + ", observed " + summary.get("observedTotal") + ")");
    }
    return Optional.empty();
  }

  /**
   * Piece p of round r (p from 0 to parts − 1) pushes the increments a worker of index p pushes in
   * round r without pieces, so the expected totals are the same; each piece's one push is
   * numbered by the piece, so a piece redone after its worker was lost adds nothing twice.
   */
  private Map<String, Double> runPieces(WorkerContext context) throws InterruptedException {
    JsonNode config = context.config();
    int keyCount = config.path("keys").asInt(1000);
    int rounds = config.path("rounds").asInt(3);
    int pauseMs = config.path("pauseMs").asInt(0);
    int parts = context.numWorkers();
    checkExact(rounds, parts);
    long[] keys = keys(keyCount);
    KVWorker kv = context.kv();
    kv.createTable(TABLE, 1);
    float[] increments = new float[keyCount];
    int done = 0;
    for (int piece = context.pieces().next(-1); piece >= 0; piece = context.pieces().next(piece)) {
      int round = piece / parts;
      int part = piece % parts;
      for (int i = 0; i < keyCount; i++) {
        increments[i] = increment(part, round, i);
      }
      kv.waitFor(kv.pushAs(KVWorker.PIECE_ORIGINS + piece, 1, TABLE, keys, increments));
      done++;
      if (pauseMs > 0) {
        Thread.sleep(pauseMs);
      }
    }
    // Every piece is done (its push acknowledged): the totals are final.
    Map<String, Double> results = check(kv, keys, parts, rounds, new boolean[kv.recoveries().size()][parts][rounds]);
    results.put("pieces", (double) done);
    return results;
  }

  private static void checkExact(int rounds, int workers) {
    if ((long) rounds * workers > maxWorkerRounds()) {
      throw new IllegalArgumentException("workers × rounds = " + (long) rounds * workers
          + " would overflow a float's exact range; at most " + maxWorkerRounds());
    }
  }

  /**
   * Which rounds of which worker a server lost when it was restored from a checkpoint:
   * {@code lost[server][worker][round]}. Round r is push r + 1; a restore lost the pushes between
   * the checkpoint's last and the first the restored server got, or through the last round when
   * none came (the worker had pushed every round before the server was lost).
   */
  static boolean[][][] lostRounds(KVWorker kv, int workers, int rounds) {
    List<dev.psyarn.ps.wire.DataMessages.RecoveryReply> recoveries = kv.recoveries();
    boolean[][][] lost = new boolean[recoveries.size()][workers][rounds];
    for (int s = 0; s < recoveries.size(); s++) {
      var r = recoveries.get(s);
      for (int i = 0; i < r.restoredClocks().length; i++) {
        for (int w = 0; w < workers; w++) {
          long after = r.restoredSeqs()[i * workers + w];
          long next = r.resumedSeqs()[i * workers + w];
          long through = next > 0 ? next - 1 : rounds;
          for (long seq = after + 1; seq <= through && seq <= rounds; seq++) {
            lost[s][w][(int) seq - 1] = true;
          }
        }
      }
    }
    return lost;
  }

  /**
   * Pulls the totals and compares them with the exact sums over {@code workers} × {@code rounds},
   * less the rounds a server's restore lost on its keys ({@code lost[server][worker][round]},
   * reported as {@code lostIncrements}): with checkpoints alone a restored server rolls back, and
   * what it lost must be exactly what it says.
   */
  private static Map<String, Double> check(KVWorker kv, long[] keys, int workers, int rounds, boolean[][][] lost) {
    int keyCount = keys.length;
    float[] totals = new float[keyCount];
    kv.waitFor(kv.pull(TABLE, keys, totals));
    double expectedTotal = 0;
    double observedTotal = 0;
    int mismatches = 0;
    double lostIncrements = 0;
    int lostRounds = 0;
    for (boolean[][] server : lost) {
      for (boolean[] worker : server) {
        for (boolean round : worker) {
          lostRounds += round ? 1 : 0;
        }
      }
    }
    for (int i = 0; i < keyCount; i++) {
      long expected = 0;
      boolean[][] lostHere = lost[kv.serverOf(keys[i])];
      for (int w = 0; w < workers; w++) {
        for (int round = 0; round < rounds; round++) {
          if (lostHere[w][round]) {
            lostIncrements += increment(w, round, i);
          } else {
            expected += increment(w, round, i);
          }
        }
      }
      expectedTotal += expected;
      observedTotal += totals[i];
      if (totals[i] != expected) {
        mismatches++;
      }
    }
    Map<String, Double> results = new LinkedHashMap<>();
    results.put("keys", (double) keyCount);
    results.put("expectedTotal", expectedTotal);
    results.put("observedTotal", observedTotal);
    results.put("mismatches", (double) mismatches);
    results.put("lostIncrements", lostIncrements);
    results.put("lostRounds", (double) lostRounds);
    return results;
  }

  /** {@code n} sorted keys spread evenly over the signed 64-bit space. */
  static long[] keys(int n) {
    long step = Long.divideUnsigned(-1L, n);
    long[] keys = new long[n];
    for (int i = 0; i < n; i++) {
      keys[i] = Long.MIN_VALUE + step * i;
    }
    return keys;
  }

  static int increment(int worker, int round, int key) {
    return (int) (((long) (worker + 1) * (key + 1) + round) % MAX_INCREMENT) + 1;
  }
}
