package dev.psyarn.ps.store;

import dev.psyarn.ps.worker.Partitioner;

/**
 * A model's keys and values that a table starts with when it is created (a warm start), and the
 * partitioner that says which keys a range holds (null: every key).
 */
record InitialValues(long[] keys, float[] values, Partitioner partitioner) {

  /** Puts the range's keys into the table through its updater. */
  void putInto(KeyValueTable table, int range) {
    int width = table.width();
    if (values.length != (long) keys.length * width) {
      throw new IllegalArgumentException("the initial model has " + values.length / Math.max(1, keys.length)
          + " values a key; the table has " + width);
    }
    int n = 0;
    for (long key : keys) {
      n += holds(key, range) ? 1 : 0;
    }
    long[] mine = new long[n];
    float[] theirs = new float[n * width];
    for (int i = 0, j = 0; i < keys.length; i++) {
      if (holds(keys[i], range)) {
        mine[j] = keys[i];
        System.arraycopy(values, i * width, theirs, j * width, width);
        j++;
      }
    }
    table.set(mine, theirs);
  }

  private boolean holds(long key, int range) {
    return partitioner == null || partitioner.serverOf(key) == range;
  }
}
