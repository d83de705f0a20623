package dev.psyarn.mapreduce.preprocess;

import java.nio.charset.StandardCharsets;
import org.apache.hadoop.util.hash.Hash;
import org.apache.hadoop.util.hash.MurmurHash;

/** The stable hash of a feature's text: Hadoop's 32-bit MurmurHash, as an unsigned number. */
public final class FeatureHash {

  private static final Hash MURMUR = MurmurHash.getInstance();

  private FeatureHash() {}

  public static long of(String text) {
    return MURMUR.hash(text.getBytes(StandardCharsets.UTF_8), 0x5053) & 0xffffffffL;
  }

  /** The hash of a text given as the first {@code length} bytes of {@code utf8}: the same as {@link #of(String)}. */
  public static long of(byte[] utf8, int length) {
    return MURMUR.hash(utf8, length, 0x5053) & 0xffffffffL;
  }
}
