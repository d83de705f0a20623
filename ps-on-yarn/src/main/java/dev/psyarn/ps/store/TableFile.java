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
 * A table written to a file: what an app writes as its model and what servers start from (a warm
 * start, {@link dev.psyarn.ps.api.InitialModel}). Big-endian; version 1 holds one float a key,
 * version 2 (written for a width above 1) {@code width} floats:
 *
 * <pre>
 * 8 bytes   magic "PSYMODL1"
 * int       format version (1 or 2)
 * int       the app's featurization tag (sparse-lr: hashBits of the flights features, 0 for shards)
 * long      the bias key
 * long      n, the number of keys
 * int       width (version 2 only)
 * n × (long key, width × float), keys ascending
 * </pre>
 *
 * @param tag the app's featurization tag
 * @param biasKey the key that holds the bias
 * @param keys the keys, ascending (not copied)
 * @param weights the keys' values, {@code width} a key (not copied)
 * @param width floats a key
 */
public record TableFile(int tag, long biasKey, long[] keys, float[] weights, int width) {

  static final byte[] MAGIC = {'P', 'S', 'Y', 'M', 'O', 'D', 'L', '1'};
  static final int VERSION = 2;

  public TableFile {
    if (width < 1 || (long) keys.length * width != weights.length) {
      throw new IllegalArgumentException(keys.length + " keys of width " + width + " need " + (long) keys.length * width
          + " values, not " + weights.length);
    }
  }

  /** A table of one float a key. */
  public TableFile(int tag, long biasKey, long[] keys, float[] weights) {
    this(tag, biasKey, keys, weights, 1);
  }

  public int size() {
    return keys.length;
  }

  /** Writes the table to any Hadoop file system, replacing what is there. */
  public void write(Configuration conf, Path path) throws IOException {
    FileSystem fs = path.getFileSystem(conf);
    try (DataOutputStream out = new DataOutputStream(new java.io.BufferedOutputStream(fs.create(path, true)))) {
      out.write(MAGIC);
      out.writeInt(width == 1 ? 1 : VERSION); // what readers of version 1 read stays version 1
      out.writeInt(tag);
      out.writeLong(biasKey);
      out.writeLong(keys.length);
      if (width > 1) {
        out.writeInt(width);
      }
      for (int i = 0; i < keys.length; i++) {
        out.writeLong(keys[i]);
        for (int j = 0; j < width; j++) {
          out.writeFloat(weights[i * width + j]);
        }
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
      if (version != 1 && version != VERSION) {
        throw new IOException(path + " has model format version " + version + "; this psyarn reads version " + VERSION);
      }
      int tag = in.readInt();
      long bias = in.readLong();
      long n = in.readLong();
      if (n < 0 || n > Integer.MAX_VALUE - 8) {
        throw new IOException(path + ": bad key count " + n);
      }
      int width = version == 1 ? 1 : in.readInt();
      if (width < 1 || n * width > Integer.MAX_VALUE - 8) {
        throw new IOException(path + ": bad width " + width + " for " + n + " keys");
      }
      long[] keys = new long[(int) n];
      float[] weights = new float[(int) (n * width)];
      for (int i = 0; i < n; i++) {
        keys[i] = in.readLong();
        for (int j = 0; j < width; j++) {
          weights[i * width + j] = in.readFloat();
        }
      }
      return new TableFile(tag, bias, keys, weights, width);
    } catch (java.io.EOFException e) {
      throw new IOException(path + " ends early: truncated model file", e);
    }
  }
}
