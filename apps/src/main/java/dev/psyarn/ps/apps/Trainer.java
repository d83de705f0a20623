package dev.psyarn.ps.apps;

import dev.psyarn.ps.filter.SignificantlyModifiedFilter;
import dev.psyarn.ps.worker.KVWorker;
import java.util.ArrayDeque;
import java.util.Arrays;

/**
 * One worker's minibatch loop for logistic regression, or a factorization machine with
 * {@code factors} > 0 ({@link Factorization}: 1 + factors floats a key): pull the batch's
 * parameters (as fresh as the consistency model asks), compute the gradient of the log loss
 * summed per key, push it without waiting, and advance the worker's clock.
 */
final class Trainer {

  private final KVWorker kv;
  private final long biasKey;
  private final LrSettings settings;
  private final ArrayDeque<Long> pending = new ArrayDeque<>();
  private final SignificantlyModifiedFilter filter;
  /** A batch whose weights were asked for: its examples, keys, weights (once arrived) and pull. */
  private record Batch(int from, int to, long[] keys, int[] index, float[] weights, int required, long timestamp) {}

  private Batch prefetched;
  private long[] keys = new long[1024];
  private long[] packed = new long[1024];
  private long[] spare = new long[1024];
  private final int[] digitCounts = new int[1 << DIGIT_BITS];
  /** Numbered examples: a bit a key number, set for the batch's keys and cleared as they are read. */
  private long[] present = new long[0];
  /** Numbered examples: a key number's position among the batch's keys. */
  private int[] position = new int[0];
  private int unique;
  private int iteration;
  private long examplesSeen;
  private double recentLoss;
  private long recentExamples;
  private int maxStaleness;
  /** Time blocked waiting for the servers: for a batch's pull, or for pushes to drain. */
  private long waitNanos;
  /** Steps up to this iteration were done by a predecessor and are skipped; -1: none. */
  private int skipThrough = -1;
  private boolean lastStepSkipped;
  private long skipped;
  /** The piece whose pushes this is training (its origin), or -1: the worker's own pushes and clock. */
  private int origin = -1;
  /** The number of the next push of a piece's. */
  private long pieceSeq;

  /** Floats a key: 1 for logistic regression, 1 + factors for a factorization machine. */
  private final int width;
  private final Factors fm;

  Trainer(KVWorker kv, long biasKey, LrSettings settings) {
    this(kv, biasKey, settings, Factors.NONE);
  }

  /** A factorization machine's trainer ({@code fm}: its factors), or logistic regression's ({@link Factors#NONE}). */
  Trainer(KVWorker kv, long biasKey, LrSettings settings, Factors fm) {
    this.kv = kv;
    this.biasKey = biasKey;
    this.settings = settings;
    this.width = fm.width();
    this.fm = fm;
    this.filter = new SignificantlyModifiedFilter(this::send, settings.significanceThreshold());
  }

  private long send(long[] batchKeys, float[] values) {
    return origin < 0 ? kv.push(SparseLogisticRegression.TABLE, batchKeys, values)
        : kv.pushAs(origin, pieceSeq, SparseLogisticRegression.TABLE, batchKeys, values);
  }

  /**
   * Trains a piece from here on: its steps are numbered from 0, step i's push is the piece's push
   * i + 1, the worker's clock is left alone, and the steps through push {@code appliedSeq} are
   * skipped (a lost worker had them applied on every server).
   */
  void startPiece(int pieceOrigin, long appliedSeq) {
    if (prefetched != null) {
      throw new IllegalStateException("a batch of the last piece was prefetched and never trained");
    }
    origin = pieceOrigin;
    iteration = 0;
    skipThrough = (int) Math.min(Integer.MAX_VALUE, appliedSeq) - 1;
  }

  /** Trains on examples {@code order[from..to)}. */
  void step(Examples data, int[] order, int from, int to) {
    step(data, order, from, to, -1, -1);
  }

  /**
   * Trains on examples {@code order[from..to)}; when {@code nextFrom} is not negative, the next
   * step's batch is {@code order[nextFrom..nextTo)} and its pull goes out now, to travel while this
   * batch's gradient is computed and pushed. The pull asks for the next iteration's clock, so the
   * consistency model holds as without prefetching: under sequential consistency the servers
   * answer it only after this step's push and clock have reached them.
   */
  void step(Examples data, int[] order, int from, int to, int nextFrom, int nextTo) {
    lastStepSkipped = iteration <= skipThrough;
    if (lastStepSkipped) {
      skipped++;
      iteration++;
      return;
    }
    Batch batch = prefetched;
    prefetched = null;
    if (batch == null) {
      batch = pull(data, order, from, to, iteration);
    } else if (batch.from != from || batch.to != to) {
      throw new IllegalStateException("the prefetched batch is [" + batch.from + ", " + batch.to
          + "), not [" + from + ", " + to + ")");
    }
    await(batch.timestamp);
    if (batch.required != Integer.MIN_VALUE) {
      // Read before the next pull goes out: the server clock of this batch's answer.
      maxStaleness = Math.max(maxStaleness, iteration - 1 - kv.lastServerClock());
    }
    if (nextFrom >= 0) {
      prefetched = pull(data, order, nextFrom, nextTo, iteration + 1);
    }
    long[] batchKeys = batch.keys;
    float[] w = batch.weights;
    int[] index = batch.index;
    if (width > 1) {
      factorizationStep(data, order, from, to, batch);
      return;
    }
    float[] g = new float[batchKeys.length];
    int biasAt = index[index.length - 1];
    int occurrence = 0;
    for (int i = from; i < to; i++) {
      int example = order[i];
      int first = data.offsets[example];
      int count = data.offsets[example + 1] - first;
      double z = w[biasAt];
      for (int k = 0; k < count; k++) {
        z += w[index[occurrence + k]] * data.value(first + k);
      }
      double p = 1 / (1 + Math.exp(-z));
      int label = data.labels[example];
      float residual = (float) (p - label);
      g[biasAt] += residual;
      for (int k = 0; k < count; k++) {
        g[index[occurrence + k]] += residual * data.value(first + k);
      }
      occurrence += count;
      recentLoss += Metrics.logloss(p, label);
      recentExamples++;
    }
    examplesSeen += to - from;
    beforePush();
    afterPush(filter.push(batchKeys, g));
  }

  /** A factorization machine's step on a pulled batch: its gradient, pushed whole (no filter). */
  private void factorizationStep(Examples data, int[] order, int from, int to, Batch batch) {
    float[] w = batch.weights;
    int[] index = batch.index;
    fm.complete(w, batch.keys, batch.keys.length);
    float[] g = new float[w.length];
    double[] sums = new double[width - 1];
    int biasAt = index[index.length - 1];
    int occurrence = 0;
    for (int i = from; i < to; i++) {
      int example = order[i];
      int first = data.offsets[example];
      int count = data.offsets[example + 1] - first;
      double z = Factorization.score(w, width, biasAt, index, occurrence, data, first, count, sums);
      double p = 1 / (1 + Math.exp(-z));
      int label = data.labels[example];
      Factorization.addGradient(g, w, width, biasAt, index, occurrence, data, first, count, sums, (float) (p - label));
      occurrence += count;
      recentLoss += Metrics.logloss(p, label);
      recentExamples++;
    }
    examplesSeen += to - from;
    fm.zeroFactors(g, batch.keys, batch.keys.length);
    beforePush();
    afterPush(send(batch.keys, g));
  }

  /** Numbers the step's push before it goes out. */
  private void beforePush() {
    if (origin < 0) {
      kv.continueAfter(iteration); // this step's push is numbered iteration + 1, as its predecessor's was
    }
    pieceSeq = iteration + 1;
  }

  /** After a step's gradient went out as push {@code pushed} (-1: held by the filter): the clock, the next step. */
  private void afterPush(long pushed) {
    if (pushed >= 0) {
      pending.add(pushed);
    }
    if (origin < 0) {
      pending.add(kv.clock(iteration));
    }
    iteration++;
    while (pending.size() > 8) {
      await(pending.poll());
    }
  }

  /**
   * Skips the steps through iteration {@code clock}: a predecessor with this worker's index had
   * pushed them, and every server has applied them (the servers' clock of this worker).
   */
  void resumeAfter(int clock) {
    skipThrough = clock;
  }

  /** Steps skipped as done by a predecessor. */
  long skippedSteps() {
    return skipped;
  }

  /** Whether the last step was one a predecessor had done. */
  boolean lastStepSkipped() {
    return lastStepSkipped;
  }

  /** Sends what the filter still holds, then waits for every push. */
  void finish() {
    pieceSeq = iteration + 1; // a piece's last push: after its steps'
    long flushed = filter.flush();
    if (flushed >= 0) {
      pending.add(flushed);
    }
    drain();
  }

  /** Waits for every push sent so far (what the filter holds stays held). */
  void drain() {
    while (!pending.isEmpty()) {
      await(pending.poll());
    }
  }

  private void await(long timestamp) {
    long start = System.nanoTime();
    kv.waitFor(timestamp);
    waitNanos += System.nanoTime() - start;
  }

  /**
   * Seconds this worker spent blocked on the servers: waiting for a batch's values (the servers
   * held the pull for a slower worker, or the answer was still on its way) or for its pushes.
   * Training time minus this is the worker's own computing.
   */
  double waitSeconds() {
    return waitNanos / 1e9;
  }

  long examplesSeen() {
    return examplesSeen;
  }

  int maxStaleness() {
    return maxStaleness;
  }

  long updatesSent() {
    return filter.sent();
  }

  long updatesHeld() {
    return filter.held();
  }

  /** The mean training log loss since the last call (progressive validation: before each update). */
  double recentLogloss() {
    double loss = recentExamples == 0 ? Double.NaN : recentLoss / recentExamples;
    recentLoss = 0;
    recentExamples = 0;
    return loss;
  }

  /** Asks for the weights of {@code order[from..to)} as iteration {@code iteration} needs them. */
  private Batch pull(Examples data, int[] order, int from, int to, int iteration) {
    int[] index = indexKeys(data, order, from, to);
    long[] batchKeys = Arrays.copyOf(keys, unique);
    float[] w = new float[unique * width];
    int required = settings.consistencyModel().requiredClock(iteration);
    return new Batch(from, to, batchKeys, index, w, required,
        kv.pull(SparseLogisticRegression.TABLE, batchKeys, w, required));
  }

  /** Bits of a packed (key, occurrence) for the occurrence. */
  private static final int OCCURRENCE_BITS = 20;
  /** The widest digit of {@link #sortPacked}: 4,096 counters, which stay in the L1 cache. */
  private static final int DIGIT_BITS = 12;

  /**
   * Sorts {@code a[0..n)}, (key, position) pairs packed as {@code key << positionBits | position}
   * whose positions are 0, 1, 2, … in array order, and returns the array that holds the result
   * ({@code a} or {@code spare}). The positions already order equal keys, so a stable LSD radix
   * sort on the key's bits alone sorts the whole: two passes of 12 bits for the 24-bit keys of
   * hashed features, where {@code Arrays.sort} compared its way through them (it was 39% of a
   * flights worker's samples; this takes 0.08 ms for a batch's 26,001 pairs against 1.2 ms).
   */
  static long[] sortPacked(long[] a, long[] spare, int n, int positionBits, long maxKey, int[] counts) {
    int keyBits = 64 - Long.numberOfLeadingZeros(maxKey);
    if (keyBits == 0) {
      return a; // every key is 0: in position order already
    }
    int passes = (keyBits + DIGIT_BITS - 1) / DIGIT_BITS;
    int digitBits = (keyBits + passes - 1) / passes;
    int mask = (1 << digitBits) - 1;
    long[] from = a;
    long[] to = spare;
    for (int p = 0; p < passes; p++) {
      int shift = positionBits + p * digitBits;
      Arrays.fill(counts, 0, mask + 1, 0);
      for (int i = 0; i < n; i++) {
        counts[(int) (from[i] >>> shift) & mask]++;
      }
      int start = 0;
      for (int d = 0; d <= mask; d++) {
        int c = counts[d];
        counts[d] = start;
        start += c;
      }
      for (int i = 0; i < n; i++) {
        long v = from[i];
        to[counts[(int) (v >>> shift) & mask]++] = v;
      }
      long[] t = from;
      from = to;
      to = t;
    }
    return from;
  }

  /**
   * The batch's sorted distinct keys (the bias included) into {@link #keys} and their count into
   * {@link #unique}; returns, for each feature occurrence in batch order and then the bias, the
   * index of its key. One sort of (key, occurrence) pairs packed into longs does both, instead of
   * sorting the keys and then searching each occurrence's key among them.
   */
  private int[] indexKeys(Examples data, int[] order, int from, int to) {
    if (data.isNumbered()) {
      return indexNumbered(data, order, from, to);
    }
    int n = 1;
    for (int i = from; i < to; i++) {
      n += data.offsets[order[i] + 1] - data.offsets[order[i]];
    }
    if (packed.length < n) {
      packed = new long[n * 2];
      spare = new long[n * 2];
    }
    if (keys.length < n) {
      keys = new long[n * 2];
    }
    boolean packable = n < 1 << OCCURRENCE_BITS && biasKey >= 0 && biasKey < 1L << (63 - OCCURRENCE_BITS);
    int at = 0;
    long maxKey = biasKey;
    for (int i = from; i < to; i++) {
      int example = order[i];
      for (int k = data.offsets[example]; k < data.offsets[example + 1]; k++) {
        long key = data.keys[k];
        packable &= key >= 0 && key < 1L << (63 - OCCURRENCE_BITS);
        maxKey = Math.max(maxKey, key);
        packed[at] = key << OCCURRENCE_BITS | at;
        keys[at++] = key;
      }
    }
    packed[at] = biasKey << OCCURRENCE_BITS | at;
    keys[at] = biasKey;
    int[] index = new int[n];
    if (!packable) {
      // Keys outside the packed range: sort the distinct keys and search each occurrence's.
      long[] occurrences = Arrays.copyOf(keys, n);
      unique = KVWorker.sortDistinct(keys, n);
      for (int o = 0; o < n; o++) {
        index[o] = Arrays.binarySearch(keys, 0, unique, occurrences[o]);
      }
      return index;
    }
    long[] sorted = sortPacked(packed, spare, n, OCCURRENCE_BITS, maxKey, digitCounts);
    int m = 0;
    long mask = (1L << OCCURRENCE_BITS) - 1;
    for (int j = 0; j < n; j++) {
      long key = sorted[j] >>> OCCURRENCE_BITS;
      if (m == 0 || keys[m - 1] != key) {
        keys[m++] = key;
      }
      index[(int) (sorted[j] & mask)] = m - 1;
    }
    unique = m;
    return index;
  }

  /**
   * {@link #indexKeys} for numbered examples: the batch's key numbers set bits in a bit set of the
   * vocabulary, whose words read in order give the batch's distinct keys sorted (the vocabulary is),
   * with no sort; the bias goes in at its place.
   */
  private int[] indexNumbered(Examples data, int[] order, int from, int to) {
    long[] vocabulary = data.vocabulary;
    int[] ids = data.ids;
    int[] offsets = data.offsets;
    int words = (vocabulary.length + 63) >>> 6;
    if (position.length < vocabulary.length) {
      position = new int[vocabulary.length];
      present = new long[words];
    }
    int n = 1;
    for (int i = from; i < to; i++) {
      int example = order[i];
      int end = offsets[example + 1];
      for (int k = offsets[example]; k < end; k++) {
        int id = ids[k];
        present[id >>> 6] |= 1L << id;
      }
      n += end - offsets[example];
    }
    if (keys.length < n) {
      keys = new long[n * 2];
    }
    int m = 0;
    int biasAt = -1;
    for (int w = 0; w < words; w++) {
      long word = present[w];
      if (word == 0) {
        continue;
      }
      present[w] = 0;
      do {
        int id = w << 6 | Long.numberOfTrailingZeros(word);
        word &= word - 1;
        long key = vocabulary[id];
        if (biasAt < 0 && biasKey <= key) {
          biasAt = m;
          if (biasKey < key) {
            keys[m++] = biasKey;
          }
        }
        position[id] = m;
        keys[m++] = key;
      } while (word != 0);
    }
    if (biasAt < 0) {
      biasAt = m;
      keys[m++] = biasKey;
    }
    int[] index = new int[n];
    int o = 0;
    for (int i = from; i < to; i++) {
      int example = order[i];
      int end = offsets[example + 1];
      for (int k = offsets[example]; k < end; k++) {
        index[o++] = position[ids[k]];
      }
    }
    index[o] = biasAt;
    unique = m;
    return index;
  }
}
