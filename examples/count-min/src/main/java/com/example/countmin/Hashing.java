package com.example.countmin;

import java.nio.charset.StandardCharsets;

/** The item keys and the sketch's row hashes. */
final class Hashing {

  private Hashing() {}

  /** A word's 64-bit key (FNV-1a over its UTF-8 bytes, then mixed). */
  static long key(String word) {
    long h = 0xcbf29ce484222325L;
    for (byte b : word.getBytes(StandardCharsets.UTF_8)) {
      h ^= b & 0xff;
      h *= 0x100000001b3L;
    }
    return mix(h);
  }

  /** The counter of {@code key} in row {@code row} of a sketch {@code width} wide: a different hash a row. */
  static int column(long key, int row, int width) {
    return (int) Long.remainderUnsigned(mix(key + 0x9e3779b97f4a7c15L * (row + 1)), width);
  }

  /** SplitMix64's finalizer. */
  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }
}
