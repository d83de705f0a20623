package dev.psyarn.ps.apps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A worker on pieces keeps the parts it has loaded while the heap has room, the least recently used going first. */
class PartCacheTest {

  /** A part of 1,000 examples of 10 keys: about 84 kB. */
  private static Examples part() {
    return new Examples(new byte[1000], new int[1001], new long[10_000]);
  }

  @Test
  void partsStayWhileTheyAndOneMoreLoadingFitAndTheLeastRecentlyUsedGoesFirst() throws Exception {
    long one = PartCache.bytes(part());
    // Room for three parts beside what is held, with one more loading at three times its size.
    PartCache cache = new PartCache(one * 6 + 999, 1000);
    List<Integer> loaded = new ArrayList<>();
    PartCache.Loader loader = p -> {
      loaded.add(p);
      return part();
    };
    Examples zero = cache.get(0, loader);
    cache.get(1, loader);
    cache.get(2, loader);
    assertSame(zero, cache.get(0, loader), "a part it has is not loaded again");
    assertEquals(List.of(0, 1, 2), loaded);
    assertEquals(3, cache.size());
    cache.get(3, loader); // 3 held + 3 loading would not fit: part 1, used longest ago, goes
    assertEquals(3, cache.size());
    cache.get(0, loader);
    cache.get(1, loader);
    assertEquals(List.of(0, 1, 2, 3, 1), loaded, "part 1 was let go and loaded again; part 0 stayed");
    assertEquals(5, cache.loads());
  }

  @Test
  void aHeapWithRoomForNoneKeepsOnlyThePartInUse() throws Exception {
    PartCache cache = new PartCache(10, 0);
    cache.get(0, p -> part());
    cache.get(1, p -> part());
    cache.get(2, p -> part());
    assertEquals(1, cache.size());
  }
}
