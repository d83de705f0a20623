package dev.psyarn.ps.apps;

import java.io.IOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The parts of the training data a worker on pieces has loaded, kept while the heap has room for
 * them, what else it holds (the test split of worker 0) and one more part as it loads; the part
 * used longest ago goes first. The AM hands a worker the parts it has had when it can, so most
 * pieces find their part here; a worker that gets every part keeps as many as fit instead of
 * running out of memory.
 */
final class PartCache {

  /** Loads a part. */
  @FunctionalInterface
  interface Loader {
    Examples load(int part) throws IOException;
  }

  /** While a part loads, its arrays grow by doubling: up to about three times its final size. */
  private static final int LOAD_PEAK = 3;

  private final LinkedHashMap<Integer, Examples> parts = new LinkedHashMap<>(16, 0.75f, true);
  private final long budget;
  private final long held;
  private long largest;
  private int loads;

  /**
   * @param budget the bytes parts may take, the loading one included
   * @param held bytes of the heap already spoken for
   */
  PartCache(long budget, long held) {
    this.budget = budget;
    this.held = held;
  }

  /** A cache for this JVM: parts may use 70% of the heap, less what is {@code held}. */
  static PartCache forHeap(long held) {
    return new PartCache(Runtime.getRuntime().maxMemory() * 7 / 10, held);
  }

  Examples get(int part, Loader loader) throws IOException {
    Examples cached = parts.get(part);
    if (cached != null) {
      return cached;
    }
    Iterator<Map.Entry<Integer, Examples>> eldest = parts.entrySet().iterator();
    while (eldest.hasNext() && held + cachedBytes() + LOAD_PEAK * largest > budget) {
      eldest.next();
      eldest.remove();
    }
    Examples loaded = loader.load(part);
    largest = Math.max(largest, bytes(loaded));
    parts.put(part, loaded);
    loads++;
    return loaded;
  }

  /** Parts loaded, counting a part loaded again after it was let go. */
  int loads() {
    return loads;
  }

  /** Parts held now. */
  int size() {
    return parts.size();
  }

  private long cachedBytes() {
    long total = 0;
    for (Examples e : parts.values()) {
      total += bytes(e);
    }
    return total;
  }

  /** The heap an example set takes, near enough. */
  static long bytes(Examples e) {
    return e.bytes() + 64;
  }
}
