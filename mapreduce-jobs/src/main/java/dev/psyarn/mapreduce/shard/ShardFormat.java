package dev.psyarn.mapreduce.shard;

/**
 * The shard file format, version 1 (docs/shard-format.md). All integers big-endian; varints are
 * unsigned LEB128 (7 bits a byte, low bits first).
 *
 * <pre>
 * header   "PSYSHARD" (8 bytes) | version int (1) | shard int | shards int | split byte (0 train, 1 test)
 *          | keySpace long (keys are from 0 to keySpace - 1; keySpace itself is free for a bias)
 * record*  varint (nnz + 1) | flags byte (bit 0 label, bit 1 values follow)
 *          | varint first key | varint gaps to each next key (keys ascending, distinct)
 *          | nnz float values when bit 1 is set (otherwise every value is 1)
 * end      varint 0 | records long | CRC-32 int of every record byte
 * </pre>
 */
public final class ShardFormat {

  public static final byte[] MAGIC = {'P', 'S', 'Y', 'S', 'H', 'A', 'R', 'D'};
  public static final int VERSION = 1;
  public static final byte TRAIN = 0;
  public static final byte TEST = 1;

  private ShardFormat() {}

  /** The file name of a shard: {@code train-00003.shard}. */
  public static String fileName(byte split, int shard) {
    return String.format("%s-%05d.shard", split == TRAIN ? "train" : "test", shard);
  }
}
