package dev.psyarn.mapreduce.shard;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The shard file format, version 2 (docs/shard-format.md). All integers big-endian; varints are
 * unsigned LEB128 (7 bits a byte, low bits first).
 *
 * <pre>
 * header   "PSYSHARD" (8 bytes) | version int (2) | shard int | shards int | split byte (0 train, 1 test)
 *          | keySpace long (keys are from 0 to keySpace - 1; keySpace itself is free for a bias)
 *          | keys byte: {@link #GAPS} (0), or 1 to 8: {@link #keyBytes}
 * record*  varint (nnz + 1) | flags byte (bit 0 label, bit 1 values follow)
 *          | keys 0: varint first key | varint gaps to each next key (keys ascending, distinct)
 *          | keys w: nnz keys of w bytes each (distinct, in the order they were written)
 *          | nnz float values when bit 1 is set (otherwise every value is 1)
 * end      varint 0 | records long | CRC-32 int of every record byte
 * </pre>
 *
 * <p>Version 1 is version 2 without the keys byte, its keys always gaps; readers read both.
 *
 * <p>A shard may be written in parts (one a map task): see {@link #fileName(byte, int, int)}.
 */
public final class ShardFormat {

  public static final byte[] MAGIC = {'P', 'S', 'Y', 'S', 'H', 'A', 'R', 'D'};
  public static final int VERSION = 2;
  /** The keys byte of records whose keys are ascending, written as the gaps between them. */
  public static final int GAPS = 0;
  public static final byte TRAIN = 0;
  public static final byte TEST = 1;

  private ShardFormat() {}

  /**
   * The keys byte of records whose keys take a whole number of bytes each, as few as the key
   * space's last key needs (3 for 2^24 keys): the layout of hashed keys, whose ascending gaps are
   * about as long as the keys themselves (13 keys spread over 2^24 leave gaps of about 2^20, 3
   * bytes as varints), so a record is no longer and its keys need no sort.
   */
  public static int keyBytes(long keySpace) {
    if (keySpace < 1) {
      throw new IllegalArgumentException("key space " + keySpace + " is not positive");
    }
    return Math.max(1, (64 - Long.numberOfLeadingZeros(keySpace - 1) + 7) / 8);
  }

  /** The file name of a shard's first part: {@code train-00003.shard}. */
  public static String fileName(byte split, int shard) {
    return fileName(split, shard, 0);
  }

  /**
   * The file name of part {@code part} of a shard: the first part is {@code train-00003.shard}, the
   * others (one a map task of the shard job) {@code train-00003.part-00001.shard}. A shard is all of
   * its parts; each is a whole file of this format (its own header, end and checksum).
   */
  public static String fileName(byte split, int shard, int part) {
    String name = String.format("%s-%05d", split == TRAIN ? "train" : "test", shard);
    return part == 0 ? name + ".shard" : String.format("%s.part-%05d.shard", name, part);
  }

  /**
   * Every part of one shard under a shard directory, the first part first and the others in part
   * order; an IOException names the missing first part (shards written for fewer workers).
   */
  public static List<Path> parts(Configuration conf, Path dir, byte split, int shard) throws IOException {
    FileSystem fs = dir.getFileSystem(conf);
    Path first = new Path(dir, fileName(split, shard));
    if (!fs.exists(first)) {
      throw new FileNotFoundException("no shard " + first);
    }
    List<Path> out = new ArrayList<>();
    out.add(first);
    String glob = String.format("%s-%05d.part-*.shard", split == TRAIN ? "train" : "test", shard);
    FileStatus[] more = fs.globStatus(new Path(dir, glob));
    List<Path> rest = new ArrayList<>();
    for (FileStatus f : more == null ? new FileStatus[0] : more) {
      rest.add(f.getPath());
    }
    rest.sort(null); // fixed-width part numbers: name order is part order
    out.addAll(rest);
    return out;
  }
}
