package dev.psyarn.ps.store;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Arrays;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * A table of one float a key written to a file: what an app writes as its model and what servers
 * start from (a warm start, {@link dev.psyarn.ps.api.InitialModel}). Format version 1, big-endian:
 *
 * <pre>
 * 8 bytes   magic "PSYMODL1"
 * int       format version (1)
 * int       the app's featurization tag (sparse-lr: hashBits of the flights features, 0 for shards)
 * long      the bias key
 * long      n, the number of keys
 * n × (long key, float weight), keys ascending
 * </pre>
 *
 * @param tag the app's featurization tag
 * @param biasKey the key that holds the bias
 * @param keys the keys, ascending (not copied)
 * @param weights the keys' values (not copied)
 */
public record TableFile(int tag, long biasKey, long[] keys, float[] weights) {

  static final byte[] MAGIC = {'P', 'S', 'Y', 'M', 'O', 'D', 'L', '1'};
  static final int VERSION = 1;

  public int size() {
    return keys.length;
  }

  /** Writes the table to any Hadoop file system, replacing what is there. */
  public void write(Configuration conf, Path path) throws IOException {
    FileSystem fs = path.getFileSystem(conf);
    try (DataOutputStream out = new DataOutputStream(new java.io.BufferedOutputStream(fs.create(path, true)))) {
      out.write(MAGIC);
      out.writeInt(VERSION);
      out.writeInt(tag);
      out.writeLong(biasKey);
      out.writeLong(keys.length);
      for (int i = 0; i < keys.length; i++) {
        out.writeLong(keys[i]);
        out.writeFloat(weights[i]);
      }
    }
  }

  /**
   * Reads a table file.
   *
   * @throws IOException naming the file and what is wrong with it
   */
  public static TableFile read(Configuration conf, Path path) throws IOException {
    FileSystem fs = path.getFileSystem(conf);
    try (FSDataInputStream raw = fs.open(path);
        DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(raw))) {
      byte[] magic = new byte[MAGIC.length];
      in.readFully(magic);
      if (!Arrays.equals(magic, MAGIC)) {
        throw new IOException(path + " is not a psyarn logistic regression model (bad magic)");
      }
      int version = in.readInt();
      if (version != VERSION) {
        throw new IOException(path + " has model format version " + version + "; this psyarn reads version " + VERSION);
      }
      int tag = in.readInt();
      long bias = in.readLong();
      long n = in.readLong();
      if (n < 0 || n > Integer.MAX_VALUE - 8) {
        throw new IOException(path + ": bad key count " + n);
      }
      long[] keys = new long[(int) n];
      float[] weights = new float[(int) n];
      for (int i = 0; i < n; i++) {
        keys[i] = in.readLong();
        weights[i] = in.readFloat();
      }
      return new TableFile(tag, bias, keys, weights);
    } catch (java.io.EOFException e) {
      throw new IOException(path + " ends early: truncated model file", e);
    }
  }
}
