package dev.psyarn.mapreduce.jobs;

import dev.psyarn.mapreduce.shard.ShardFormat;
import dev.psyarn.mapreduce.shard.ShardWriter;
import java.io.Closeable;
import java.io.IOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * One map task's part of every shard of both splits ({@link ShardFormat#fileName(byte, int, int)}:
 * map task 0 writes {@code train-0000i.shard}, so every shard's first part exists for every worker
 * even when a task has no row for it), written into the task attempt's work directory and
 * committed with it, so a failed attempt's parts never count. The map task writes them itself
 * rather than through {@code context.write}: MapReduce's output collector walks every file
 * system's statistics twice a record, a tenth of the task's time.
 *
 * <p>On HDFS they go through a file system of their own whose packets hold {@link
 * PreprocessConf#SHARD_PACKET_KB} (512 KiB) instead of HDFS's 64 KiB, eight in flight a stream instead
 * of 80: the same bytes held, a sixteenth of the packets, each with its own acknowledgement, socket
 * calls and DataNode write. For the 1.2 GB of shards of 30 M flights rows, in one JVM as psyarn's AM
 * runs the stage, the DataNode's CPU fell from 2.8–3.4 s to 1.6–1.8 s, the stage's own by about 4 s
 * (docs/benchmarks.md).
 */
final class ShardParts implements Closeable {

  /** HDFS's limit on a packet (its {@code PacketReceiver}'s largest). */
  static final int MAX_PACKET_KB = 16 * 1024;
  /**
   * HDFS's client keeps the buffers of the packets it has sent, for the next ones, instead of a new
   * array a packet: a map task writes its shards in thousands of packets of the same size, and
   * those arrays were a sixth of the bytes the stage allocated (30 M flights rows: 24 young
   * collections instead of 33, 3–8 % less CPU; docs/benchmarks.md). A setting of the user's stands.
   */
  static final String BYTE_ARRAY_MANAGER = "dfs.client.write.byte-array-manager.enabled";
  /** The bytes a shard's stream may have in flight to the DataNodes: HDFS's default 80 packets of 64 KiB is 5 MiB. */
  private static final int IN_FLIGHT_BYTES = 4 << 20;

  private final ShardWriter[][] writers;
  private final long[] written = new long[2];
  /** The file system the parts are written through: one of their own on HDFS, closed with them. */
  private final FileSystem fs;
  private final boolean ownFs;

  ShardParts(Configuration conf, Path workDir, int part, int shards, long keySpace, int keyBytes) throws IOException {
    FileSystem shared = workDir.getFileSystem(conf);
    int kb = packetKb(conf);
    ownFs = kb > 0 && "hdfs".equals(shared.getScheme());
    fs = ownFs ? FileSystem.newInstance(workDir.toUri(), packets(conf, kb)) : shared;
    writers = new ShardWriter[2][shards];
    try {
      for (byte split : new byte[] {ShardFormat.TRAIN, ShardFormat.TEST}) {
        for (int shard = 0; shard < shards; shard++) {
          writers[split][shard] = new ShardWriter(fs.create(new Path(workDir, ShardFormat.fileName(split, shard, part)),
              false), shard, shards, split, keySpace, keyBytes);
        }
      }
    } catch (IOException | RuntimeException e) {
      try {
        close();
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  /**
   * {@link PreprocessConf#SHARD_PACKET_KB}, checked: 0 (HDFS's own {@code dfs.client-write-packet-size})
   * up to HDFS's limit of 16,384.
   */
  static int packetKb(Configuration conf) {
    String raw = conf.getTrimmed(PreprocessConf.SHARD_PACKET_KB, Integer.toString(PreprocessConf.DEFAULT_SHARD_PACKET_KB));
    int kb;
    try {
      kb = Integer.parseInt(raw);
    } catch (NumberFormatException e) {
      kb = -1;
    }
    if (kb < 0 || kb > MAX_PACKET_KB) {
      throw new IllegalArgumentException(PreprocessConf.SHARD_PACKET_KB + " is '" + raw + "': give the KiB a packet of"
          + " the shards' HDFS writes holds, from 1 to " + MAX_PACKET_KB + " (HDFS's limit), or 0 for HDFS's own"
          + " dfs.client-write-packet-size; the default is " + PreprocessConf.DEFAULT_SHARD_PACKET_KB);
    }
    return kb;
  }

  /**
   * {@code conf} with HDFS packets of {@code kb} KiB and as many in flight as fit in 4 MiB (at least
   * two): the same bytes held for a stream as HDFS's default (80 packets of 64 KiB), in fewer, larger
   * packets, so the client, the kernel and the DataNode handle each byte in fewer calls and
   * acknowledgements; and their buffers reused ({@link #BYTE_ARRAY_MANAGER}).
   */
  static Configuration packets(Configuration conf, int kb) {
    Configuration tuned = new Configuration(conf);
    tuned.setInt("dfs.client-write-packet-size", kb * 1024);
    tuned.setInt("dfs.client.write.max-packets-in-flight", Math.max(2, IN_FLIGHT_BYTES / (kb * 1024)));
    if (!ClusterJobSettings.setByUser(conf, BYTE_ARRAY_MANAGER)) {
      tuned.setBoolean(BYTE_ARRAY_MANAGER, true);
    }
    return tuned;
  }

  /** The file system the parts are written through (a test reads its settings). */
  FileSystem fileSystem() {
    return fs;
  }

  /** Appends a record encoded by {@code RecordEncoder} to a shard of a split. */
  void write(byte split, int shard, byte[] record, int offset, int length) throws IOException {
    writers[split][shard].writeEncoded(record, offset, length);
    written[split]++;
  }

  /** The records written to every shard of a split. */
  long written(byte split) {
    return written[split];
  }

  @Override
  public void close() throws IOException {
    IOException first = null;
    for (ShardWriter[] split : writers) {
      for (ShardWriter w : split) {
        first = closeKeepingFirst(w, first);
      }
    }
    first = closeKeepingFirst(ownFs ? fs : null, first);
    if (first != null) {
      throw first;
    }
  }

  /** Closes {@code c} (if not null); returns the first failure so far, later ones suppressed in it. */
  private static IOException closeKeepingFirst(Closeable c, IOException first) {
    try {
      if (c != null) {
        c.close();
      }
    } catch (IOException e) {
      if (first == null) {
        return e;
      }
      first.addSuppressed(e);
    }
    return first;
  }
}
