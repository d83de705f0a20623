package dev.psyarn.ps.apps;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.psyarn.ps.api.AppSettings;
import dev.psyarn.ps.api.Application;
import dev.psyarn.ps.api.PieceLayout;
import dev.psyarn.ps.api.WorkerContext;
import dev.psyarn.ps.worker.KVWorker;
import java.util.List;
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
public final class CounterApp implements Application<CounterApp.Settings, CounterApp.Result, CounterApp.Summary> {

  static final int TABLE = 0;
  private static final int MAX_INCREMENT = 97;

  /**
   * The {@code app} section.
   *
   * @param keys keys pushed to, spread over the key space
   * @param rounds pushes per worker (or rounds of pieces)
   * @param pauseMs a pause between rounds, for a check that runs long enough to watch, flex or fault
   * @param pieces hand the work out as rounds × parts pieces (parts: the workers submitted)
   */
  public record Settings(Integer keys, Integer rounds, Integer pauseMs, Boolean pieces) {
    public Settings {
      keys = AppSettings.intIn("keys", keys, 1000, 1, 10_000_000);
      rounds = AppSettings.intIn("rounds", rounds, 3, 1, 100_000);
      pauseMs = AppSettings.intIn("pauseMs", pauseMs, 0, 0, 60_000);
      pieces = AppSettings.or(pieces, false);
    }
  }

  /**
   * One worker's check of the totals.
   *
   * @param lostIncrements what servers restored from checkpoints lost, taken out of {@code expectedTotal}
   * @param lostRounds rounds (over all servers and workers) those restores lost
   * @param resumedRounds rounds a replacement found applied by its predecessor and did not redo
   * @param pieces pieces this worker did, for a job with pieces; null otherwise
   */
  public record Result(long keys, long expectedTotal, long observedTotal, long mismatches, long lostIncrements,
      long lostRounds, long resumedRounds, Long pieces) {}

  /**
   * The job's check: {@code mismatches} over every worker's pull (and any two workers that saw
   * different totals), the rest as worker 0 saw them.
   *
   * @param piecesDone pieces done over all workers (one redone after its worker was lost counts again)
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Summary(long keys, long expectedTotal, long observedTotal, long mismatches, long lostRounds,
      long lostIncrements, int workersReporting, Long piecesDone, long resumedRounds) {}

  @Override
  public String name() {
    return "counter";
  }

  @Override
  public Class<Settings> settingsType() {
    return Settings.class;
  }

  @Override
  public Class<Result> resultType() {
    return Result.class;
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
  public PieceLayout pieces(Settings settings, int workers) {
    return settings.pieces() ? new PieceLayout(settings.rounds(), workers) : PieceLayout.NONE;
  }

  @Override
  public Result run(WorkerContext<Settings> context) throws InterruptedException {
    Settings s = context.settings();
    if (s.pieces()) {
      return runPieces(context);
    }
    int keyCount = s.keys();
    int rounds = s.rounds();
    int pauseMs = s.pauseMs();
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
    return check(kv, keys, context.numWorkers(), rounds, lostRounds(kv, context.numWorkers(), rounds), applied, null);
  }

  @Override
  public Summary combine(Settings settings, List<Result> results) {
    if (results.isEmpty()) {
      return new Summary(0, 0, 0, 0, 0, 0, 0, null, 0);
    }
    Result first = results.get(0);
    long mismatches = 0;
    for (Result r : results) {
      mismatches += r.mismatches() + (r.observedTotal() != first.observedTotal() ? 1 : 0);
    }
    Long piecesDone = first.pieces() == null ? null
        : results.stream().mapToLong(r -> r.pieces() == null ? 0 : r.pieces()).sum();
    return new Summary(first.keys(), first.expectedTotal(), first.observedTotal(), mismatches, first.lostRounds(),
        first.lostIncrements(), results.size(), piecesDone, results.stream().mapToLong(Result::resumedRounds).sum());
  }

  @Override
  public Optional<String> verify(Summary summary) {
    if (summary.workersReporting() == 0) {
      return Optional.of("no worker reported counter results");
    }
    if (summary.mismatches() != 0) {
      return Optional.of("counter totals wrong: " + summary.mismatches() + " mismatched keys (expected total "
          + summary.expectedTotal() + ", observed " + summary.observedTotal() + ")");
    }
    return Optional.empty();
  }

  /**
   * Piece p of round r (p from 0 to parts − 1) pushes the increments a worker of index p pushes in
   * round r without pieces, so the expected totals are the same; each piece's one push is
   * numbered by the piece, so a piece redone after its worker was lost adds nothing twice.
   */
  private Result runPieces(WorkerContext<Settings> context) throws InterruptedException {
    int keyCount = context.settings().keys();
    int rounds = context.settings().rounds();
    int pauseMs = context.settings().pauseMs();
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
    return check(kv, keys, parts, rounds, new boolean[kv.recoveries().size()][parts][rounds], 0, (long) done);
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
  private static Result check(KVWorker kv, long[] keys, int workers, int rounds, boolean[][][] lost, long resumed,
      Long pieces) {
    int keyCount = keys.length;
    float[] totals = new float[keyCount];
    kv.waitFor(kv.pull(TABLE, keys, totals));
    long expectedTotal = 0;
    long observedTotal = 0;
    int mismatches = 0;
    long lostIncrements = 0;
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
      observedTotal += (long) totals[i];
      if (totals[i] != expected) {
        mismatches++;
      }
    }
    return new Result(keyCount, expectedTotal, observedTotal, mismatches, lostIncrements, lostRounds, resumed, pieces);
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
