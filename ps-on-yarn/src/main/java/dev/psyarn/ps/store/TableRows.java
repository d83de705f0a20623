package dev.psyarn.ps.store;

/**
 * A push to a {@link KeyValueTable} whose values come a few rows at a time (the tail of a received
 * frame, as it arrives), applied as the table would apply it whole. The keys' slots are found when
 * the first rows are added, and again only if new keys moved the table's buckets in between. Each
 * call, like the table's, under the caller's lock.
 */
public final class TableRows {
  private final KeyValueTable table;
  private final long[] keys;
  private final boolean afterCut;
  private KeyValueTable.Slots at;
  private int movesAt;
  private int next;

  TableRows(KeyValueTable table, long[] keys, boolean afterCut) {
    this.table = table;
    this.keys = keys;
    this.afterCut = afterCut;
  }

  private void find() {
    at = table.resolveToHold(keys);
    movesAt = table.moves;
  }

  /** Applies the next {@code n} rows, the table's width of floats each from {@code src[0]}. */
  public void add(float[] src, int n) {
    if (next + n > keys.length) {
      throw new IllegalArgumentException(n + " more rows than the " + (keys.length - next) + " keys left");
    }
    if (at == null || table.moves != movesAt) {
      find();
    }
    table.apply(keys, at, next, n, src, afterCut);
    next += n;
  }

  /** The rows applied so far. */
  public int applied() {
    return next;
  }
}
