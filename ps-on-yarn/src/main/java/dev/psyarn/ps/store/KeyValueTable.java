package dev.psyarn.ps.store;

import dev.psyarn.ps.update.Updater;
import it.unimi.dsi.fastutil.HashCommon;
import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * One table of a server: {@code long} keys to fixed-width {@code float} vectors, with no object
 * per key. The table is its own open-addressing hash map. A key's values (and updater state) are
 * {@code values[s * slotWidth .. (s + 1) * slotWidth)} for its slot {@code s}, laid out and updated
 * by the table's {@link Updater}. With narrow slots (under {@value #WIDE} floats) the values are
 * inline: a key's slot is its bucket, {@code keys[s]}; a lookup reads the key's bucket and, at the
 * same place in the other array, its values, with no slot number between them. The buckets are at
 * most 65% full and grown by a fifth (any size: a bucket is chosen by multiply-shift of the key's
 * mix), so a key costs {@code (8 + 4 × slotWidth)} bytes over the load, 18.5 to 22.2 bytes for
 * width 1 and 24.6 to 29.5 with FTRL's two floats a key, where fastutil's map of keys to slots (at
 * most 3/4 full, a power of two) plus the slot array cost 34 and 39 on the flights keys, for probes
 * about as short (linear probing at 65% finds a key in 1.9 buckets). Key 0 marks an empty bucket;
 * the key 0 itself lives in an extra bucket at the end. Growing moves every key and its values to
 * new buckets (and drops the sorted index, which may hold buckets).
 *
 * <p>Wide slots ({@value #WIDE} floats and more) are numbered in the order their keys came, and each
 * bucket holds its key's slot number besides the key (4 bytes a bucket, little beside 16 and more of
 * values). Inline, the slots of a request's sorted keys are scattered in hash order over the whole
 * array of values; in the order keys came, which for the dense requests of a training loop is key
 * order, they are visited front to back: adding a push of 100k keys of 64 floats took 22 ms inline
 * against 4.8 ms (a cache and TLB miss a key, read and written, against a stream the processor
 * prefetches). Growing the buckets then moves keys and slot numbers, not values.
 *
 * <p>A dense request, covering at least 1/{@value #DENSE} of the table (and sorted, if it would
 * build the index), is resolved through the {@link SortedIndex}, not by hashing each key; one that
 * is a stretch of the index, its slots one run, is added and read a chunk a loop. Not thread-safe.
 */
public final class KeyValueTable {

  /** A request of at least 1/DENSE of the table's keys is resolved through the sorted index. */
  static final int DENSE = 16;
  /** Floats copied out of a received frame at a time (a buffer that stays in cache). */
  private static final int CHUNK = 4096;

  private static final float MAX_LOAD = 0.65f;
  /** Slots of at least this many floats are numbered in the order keys came (see above), narrower ones inline. */
  static final int WIDE = 4;
  private static final int INITIAL = 1024;

  private final int width;
  private final int slotWidth;
  private final Updater updater;
  /** The key of each bucket, 0 for an empty one; {@code capacity + 1} buckets (the last is key 0's). */
  private long[] keys;
  private float[] values;
  /** For wide slots, each bucket's slot number (key 0's in the last); null when the values are inline. */
  private int[] slotOfBucket;
  private int capacity;
  private boolean hasZero;
  private int size;
  /** Counts the times the buckets moved: a slot found before a move is no longer the key's. */
  int moves;
  /** The keys ascending and their slots, for dense requests. */
  private final SortedIndex index = new SortedIndex();
  private int[] resolved = new int[1024];
  /** The last pulls' slots, for the pushes of the same keys that follow them. */
  private final RecentPulls recent = new RecentPulls();
  private final float[] chunk;
  /** The open checkpoint cut's saved slots (see {@link #add(long[], FloatBuffer, boolean)}); null when no cut is open. */
  private CutShadow cut;

  /** A table whose pushes are added to the stored values. */
  public KeyValueTable(int width) {
    this(width, Updater.SUM);
  }

  public KeyValueTable(int width, Updater updater) {
    if (width <= 0) {
      throw new IllegalArgumentException("width must be positive, got " + width);
    }
    this.width = width;
    this.updater = updater;
    this.slotWidth = updater.slotWidth(width);
    this.capacity = INITIAL;
    this.keys = new long[capacity + 1];
    if (slotWidth >= WIDE) {
      this.slotOfBucket = new int[capacity + 1];
      this.values = new float[slotsFor(capacity) * slotWidth];
    } else {
      this.values = new float[(capacity + 1) * slotWidth];
    }
    this.chunk = new float[Math.max(width, CHUNK / width * width)];
  }

  public int width() {
    return width;
  }

  /** The number of keys stored. */
  public int size() {
    return size;
  }

  public Updater updater() {
    return updater;
  }

  /** Applies {@code pushed} (width floats a key) to the keys through the updater, creating keys at zero. */
  public void add(long[] keys, float[] pushed) {
    add(keys, FloatBuffer.wrap(pushed));
  }

  /**
   * As {@link #add(long[], float[])}, reading the pushed values from {@code pushed} (from its
   * position; a view of a received frame), a cache-sized chunk at a time: no array of the whole
   * push is allocated, filled and read again.
   */
  public void add(long[] keys, FloatBuffer pushed) {
    add(keys, pushed, false);
  }

  /**
   * As {@link #add(long[], FloatBuffer)}, for a table whose checkpoint cut is open: a push from
   * beyond the cut ({@code afterCut}) first saves the slots it changes as they were, the first
   * time it touches each; a push from before the cut is applied to those saved slots as well. So
   * {@link #image} can give the table as it stood at the cut while training goes on past it.
   */
  public void add(long[] keys, FloatBuffer pushed, boolean afterCut) {
    checkShape(keys, pushed.remaining());
    Slots at = resolve(keys, true);
    int rows = chunk.length / width;
    for (int i = 0; i < keys.length; i += rows) {
      int n = Math.min(rows, keys.length - i);
      pushed.get(chunk, 0, n * width);
      apply(keys, at, i, n, chunk, afterCut);
    }
  }

  /**
   * A push whose values come a few rows at a time (the tail of a received frame, as it arrives),
   * applied as {@link #add(long[], FloatBuffer, boolean)} would apply it whole: see {@link TableRows}.
   */
  public TableRows rows(long[] keys, boolean afterCut) {
    return new TableRows(this, keys, afterCut);
  }

  /** Applies {@code n} rows of {@code src} (from its start) to the slots {@code at[i..i+n)} of {@code keys[i..i+n)}. */
  void apply(long[] keys, Slots slots, int i, int n, float[] src, boolean afterCut) {
    if (cut == null) {
      addRuns(slots, i, n, src);
      return;
    }
    int[] at = slots.at();
    for (int r = 0; r < n; r++) {
      cut.beforePush(keys[i + r], values, at[i + r], afterCut, updater, src, r * width, width);
      updater.push(values, at[i + r] * slotWidth, src, r * width, width);
    }
  }

  /**
   * Adds the {@code n} rows of {@code src} to the slots {@code at[i..i+n)}, each run of rows
   * whose slots are neighbours in one call (a dense request's, in a table of wide slots).
   */
  private void addRuns(Slots slots, int i, int n, float[] src) {
    int[] at = slots.at();
    if (slotOfBucket == null) {
      for (int r = 0; r < n; r++) { // inline: neighbouring keys are scattered buckets
        updater.push(values, at[i + r] * slotWidth, src, r * width, width);
      }
      return;
    }
    if (slots.oneRun()) {
      updater.push(values, at[i] * slotWidth, src, 0, width, n);
      return;
    }
    for (int r = 0; r < n;) {
      int run = runAt(at, i + r, i + n);
      updater.push(values, at[i + r] * slotWidth, src, r * width, width, run);
      r += run;
    }
  }

  /** How many of the slots from {@code at[from]} (before {@code at[end]}) are neighbours, one after another. */
  private static int runAt(int[] at, int from, int end) {
    int first = at[from];
    int run = 1;
    while (from + run < end && at[from + run] == first + run) {
      run++;
    }
    return run;
  }

  /** Opens a checkpoint cut: from now on pushes say whether they come from beyond it. */
  public void openCut() {
    cut = new CutShadow(slotWidth);
  }

  /**
   * A copy of every key and its whole slot (values and updater state), sorted by key: the table
   * as it stood at the open cut (keys first pushed beyond it read as zeros), or as it is now when
   * no cut is open. Closes the cut.
   */
  public Image image() {
    long[] keys = keys();
    float[] slotsOut = new float[keys.length * slotWidth];
    for (int i = 0; i < keys.length; i++) {
      if (cut == null || !cut.copyAtCut(keys[i], slotsOut, i * slotWidth)) {
        System.arraycopy(values, slot(keys[i]) * slotWidth, slotsOut, i * slotWidth, slotWidth);
      }
    }
    cut = null;
    return new Image(width, slotWidth, keys, slotsOut);
  }

  /** A copy of every key and its whole slot as they are now, sorted by key; an open cut stays open. */
  public Image copy() {
    return copy(key -> true);
  }

  /** As {@link #copy()}, of the keys {@code keep} accepts only (the keys a server's new range takes). */
  public Image copy(java.util.function.LongPredicate keep) {
    long[] all = keys();
    int n = 0;
    for (long key : all) {
      if (keep.test(key)) {
        all[n++] = key;
      }
    }
    long[] keys = n == all.length ? all : Arrays.copyOf(all, n);
    float[] slotsOut = new float[keys.length * slotWidth];
    for (int i = 0; i < keys.length; i++) {
      System.arraycopy(values, slot(keys[i]) * slotWidth, slotsOut, i * slotWidth, slotWidth);
    }
    return new Image(width, slotWidth, keys, slotsOut);
  }

  /**
   * A table's keys and whole slots, as {@link #image} copies them and a checkpoint holds them.
   *
   * @param slots {@code slotWidth} floats a key, in the order of {@code keys}
   */
  public record Image(int width, int slotWidth, long[] keys, float[] slots) {}

  /** Puts the whole slots of an image's keys for which {@code keep} holds (a restore). */
  public void load(Image image, java.util.function.LongPredicate keep) {
    if (image.width() != width || image.slotWidth() != slotWidth) {
      throw new IllegalArgumentException("an image of width " + image.width() + " and slot width "
          + image.slotWidth() + " does not fit a table of " + width + " and " + slotWidth);
    }
    for (int i = 0; i < image.keys().length; i++) {
      if (keep.test(image.keys()[i])) {
        int slot = slotOf(image.keys()[i]); // first: it may grow the array of values
        System.arraycopy(image.slots(), i * slotWidth, values, slot * slotWidth, slotWidth);
      }
    }
  }

  /** Makes each key read as its values ({@code width} floats a key) with fresh updater state (a warm start). */
  public void set(long[] keys, float[] given) {
    checkShape(keys, given.length);
    for (int i = 0; i < keys.length; i++) {
      int slot = slotOf(keys[i]); // first: it may grow the array of values
      updater.set(values, slot * slotWidth, given, i * width, width);
    }
  }

  /** Every key stored, sorted. */
  public long[] keys() {
    long[] out = new long[size];
    int n = 0;
    if (hasZero) {
      out[n++] = 0;
    }
    for (int i = 0; i < capacity; i++) {
      if (keys[i] != 0) {
        out[n++] = keys[i];
      }
    }
    Arrays.sort(out);
    return out;
  }

  /** Copies the keys' values into {@code out} (width floats a key); missing keys read as zeros. */
  public void get(long[] keys, float[] out) {
    get(keys, FloatBuffer.wrap(out));
  }

  /**
   * As {@link #get(long[], float[])}, putting the values into {@code out} from its position (a
   * view of the frame an answer is written to), a cache-sized chunk at a time.
   */
  public void get(long[] keys, FloatBuffer out) {
    checkShape(keys, out.remaining());
    Slots slots = resolve(keys, false);
    int[] at = slots.at();
    int rows = chunk.length / width;
    for (int i = 0; i < keys.length; i += rows) {
      int n = Math.min(rows, keys.length - i);
      if (slots.oneRun()) {
        updater.pull(values, at[i] * slotWidth, chunk, 0, width, n);
        out.put(chunk, 0, n * width);
        continue;
      }
      for (int r = 0; r < n;) {
        int slot = at[i + r];
        if (slot < 0) {
          Arrays.fill(chunk, r * width, r * width + width, 0f);
          r++;
          continue;
        }
        int run = slotOfBucket == null ? 1 : runAt(at, i + r, i + n);
        updater.pull(values, slot * slotWidth, chunk, r * width, width, run);
        r += run;
      }
      out.put(chunk, 0, n * width);
    }
  }

  /** Bytes held: the buckets' keys, slot numbers and values, the sorted index once built, the recent pulls' slots. */
  public long bytesUsed() {
    long numbers = slotOfBucket == null ? 0 : (long) slotOfBucket.length * Integer.BYTES;
    return (long) keys.length * Long.BYTES + (long) values.length * Float.BYTES + numbers + index.bytes() + recent.bytes();
  }

  /**
   * A request's slots: {@code at[i]} for its key {@code i} (-1 for a missing one), and whether
   * they are known to be one ascending run, {@code at[i] == at[0] + i} for every key, as a dense
   * request's are in a table of wide slots numbered in the order keys came (the sorted index tells):
   * its rows are then added or read in one loop a chunk, with no search for runs.
   */
  record Slots(int[] at, boolean oneRun) {}

  /**
   * The slot of each key, in a buffer the table reuses (valid until its next call); -1 for a
   * missing key unless {@code create}, which gives it a slot of zeros.
   */
  Slots resolve(long[] keys, boolean create) {
    if (keys.length < 64) {
      return resolveAll(keys, create);
    }
    Slots kept = recent.find(keys, moves);
    if (kept != null) {
      return kept;
    }
    Slots found = resolveAll(keys, create);
    if (!create) {
      recent.keep(keys, found, moves);
    }
    return found;
  }

  /** As {@link #resolve}, giving every key a slot, in arrays of the caller's: for a push applied a few rows at a time. */
  Slots resolveToHold(long[] keys) {
    Slots slots = resolve(keys, true);
    return new Slots(Arrays.copyOf(slots.at(), keys.length), slots.oneRun());
  }

  private Slots resolveAll(long[] keys, boolean create) {
    if (resolved.length < keys.length) {
      resolved = new int[Math.max(keys.length, resolved.length * 2)];
    }
    int[] at = resolved;
    int movesBefore = moves;
    boolean oneRun = false;
    // The index's walk finds every key (one it lacks, or out of order, through the hash map), so
    // only a request that would build it or merge into it is checked for order first.
    if (keys.length >= 64 && (long) keys.length * DENSE >= size && (index.ready() || isSorted(keys))) {
      oneRun = index.resolve(keys, at, create ? this::slotOf : this::slot, () -> moves, this::keys, this::slot);
    } else {
      for (int i = 0; i < keys.length; i++) {
        at[i] = create ? slotOf(keys[i]) : slot(keys[i]);
      }
    }
    if (moves != movesBefore) {
      // New keys grew the table midway: the slots found before are stale. Again, then: each pass
      // gives more of the keys a bucket, and one that adds none moves nothing.
      return resolveAll(keys, create);
    }
    return new Slots(at, oneRun && slotOfBucket != null);
  }

  private static boolean isSorted(long[] keys) {
    for (int i = 1; i < keys.length; i++) {
      if (keys[i] <= keys[i - 1]) {
        return false;
      }
    }
    return true;
  }

  /** The key's slot, or -1. */
  private int slot(long key) {
    int bucket = key == 0 ? (hasZero ? capacity : -1) : probe(key);
    return bucket < 0 ? -1 : slotOfBucket == null ? bucket : slotOfBucket[bucket];
  }

  /** Wide slots the values hold for {@code capacity} buckets: as many keys as they take, and key 0. */
  private static int slotsFor(int capacity) {
    return (int) (capacity * MAX_LOAD) + 2;
  }

  /** A key's bucket (not key 0's), or {@code -1 - b} where {@code b} is the empty bucket it would take. */
  private int probe(long key) {
    long[] k = keys;
    int i = bucket(key, capacity);
    for (long at = k[i]; at != 0; at = k[i]) {
      if (at == key) {
        return i;
      }
      if (++i == capacity) {
        i = 0;
      }
    }
    return -1 - i;
  }

  /** The key's slot, giving it one (its values zeros) if it has none; may move every bucket. */
  private int slotOf(long key) {
    int bucket;
    if (key == 0) {
      if (hasZero) {
        return slotOfBucket == null ? capacity : slotOfBucket[capacity];
      }
      hasZero = true;
      bucket = capacity;
    } else {
      int at = probe(key);
      if (at >= 0) {
        return slotOfBucket == null ? at : slotOfBucket[at];
      }
      if (size + 1 > (long) (capacity * MAX_LOAD)) {
        grow();
        return slotOf(key);
      }
      bucket = -1 - at;
      keys[bucket] = key;
    }
    int slot = bucket;
    if (slotOfBucket != null) {
      slot = size; // the next in the order keys came; the values have room (slotsFor)
      slotOfBucket[bucket] = slot;
    }
    size++;
    index.added(key);
    return slot;
  }

  /**
   * Moves every key and its values (wide: its slot number; the values stay) to a fifth more
   * buckets; drops the sorted index (it may hold buckets).
   */
  private void grow() {
    int next = capacity + capacity / 5 + 1;
    if ((long) next + 1 > Integer.MAX_VALUE / slotWidth - 8) {
      throw new IllegalStateException("a table of slot width " + slotWidth + " cannot hold more than " + size + " keys");
    }
    long[] k = new long[next + 1];
    int[] numbers = slotOfBucket == null ? null : new int[next + 1];
    float[] v = numbers == null ? new float[(next + 1) * slotWidth] : Arrays.copyOf(values, slotsFor(next) * slotWidth);
    for (int j = 0; j < capacity; j++) {
      long key = keys[j];
      if (key != 0) {
        int i = bucket(key, next);
        while (k[i] != 0) {
          if (++i == next) {
            i = 0;
          }
        }
        k[i] = key;
        if (numbers == null) {
          System.arraycopy(values, j * slotWidth, v, i * slotWidth, slotWidth);
        } else {
          numbers[i] = slotOfBucket[j];
        }
      }
    }
    if (numbers == null) {
      System.arraycopy(values, capacity * slotWidth, v, next * slotWidth, slotWidth); // key 0's
    } else {
      numbers[next] = slotOfBucket[capacity];
    }
    keys = k;
    values = v;
    slotOfBucket = numbers;
    capacity = next;
    moves++;
    index.drop();
  }

  /** The high 32 bits of the key's mix, scaled to {@code capacity} (Lemire's multiply-shift). */
  private static int bucket(long key, int capacity) {
    return (int) (((HashCommon.mix(key) >>> 32) * capacity) >>> 32);
  }

  private void checkShape(long[] keys, int valueCount) {
    if (valueCount != (long) keys.length * width) {
      throw new IllegalArgumentException("table of width " + width + " got " + keys.length
          + " keys with " + valueCount + " values");
    }
  }
}
