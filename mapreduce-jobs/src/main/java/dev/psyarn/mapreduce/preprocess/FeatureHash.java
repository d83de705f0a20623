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
}
