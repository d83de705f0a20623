package dev.psyarn.mapreduce.jobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.psyarn.mapreduce.preprocess.PreprocessSpec;
import dev.psyarn.mapreduce.shard.Example;
import dev.psyarn.mapreduce.shard.RecordEncoder;
import dev.psyarn.mapreduce.shard.ShardFormat;
import dev.psyarn.mapreduce.shard.ShardReader;
import dev.psyarn.runtime.HdfsCloseWait;
import dev.psyarn.specs.SpecNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.hdfs.DistributedFileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.hadoop.hdfs.client.impl.DfsClientConf;
import org.apache.hadoop.mapreduce.Job;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The shard files' HDFS packets ({@code psyarn.preprocess.shard.packet-kb}) on a MiniDFSCluster: the
 * map task's writers get a file system of their own with the packet size and in-flight count asked
 * for, and close it; 0 keeps the shared one and HDFS's own settings; either way the shards are byte
 * for byte the same; a bad value stops the stage before any job, naming the key. The shard job's
 * writers close their files without HDFS's first wait of 400 ms ({@link HdfsCloseWait}).
 */
class ShardPacketsIT {

  private static MiniDFSCluster dfs;
  private static Configuration conf;
  private static FileSystem fs;

  @BeforeAll
  static void start() throws Exception {
    java.nio.file.Path work = java.nio.file.Paths.get("target", "it", "shard-packets").toAbsolutePath();
    Files.createDirectories(work);
    Configuration c = new Configuration();
    c.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, work.toString());
    c.setInt("dfs.replication", 1);
    dfs = new MiniDFSCluster.Builder(c).numDataNodes(1).format(true).build();
    dfs.waitActive();
    conf = new Configuration(dfs.getConfiguration(0));
    conf.set("mapreduce.framework.name", "local");
    fs = dfs.getFileSystem();
  }

  @AfterAll
  static void stop() {
    if (dfs != null) {
      dfs.shutdown();
    }
  }

  @Test
  void onHdfsTheWritersUseAFileSystemOfTheirOwnWithTheAskedPacketsAndCloseIt() throws Exception {
    Path dir = new Path("/parts/default");
    ShardParts parts = new ShardParts(conf, dir, 0, 2, 1 << 10, ShardFormat.GAPS);
    FileSystem own = parts.fileSystem();
    assertNotSame(FileSystem.get(dir.toUri(), conf), own, "not the process's shared file system");
    DfsClientConf client = ((DistributedFileSystem) own).getClient().getConf();
    assertEquals(512 * 1024, client.getWritePacketSize());
    assertEquals(8, client.getWriteMaxPackets(), "4 MiB in flight a stream");
    assertNotNull(client.getWriteByteArrayManagerConf(), "the packets' buffers reused");
    write(parts, 1000);
    parts.close();
    IOException closed = assertThrows(IOException.class, () -> own.exists(dir));
    assertTrue(closed.getMessage().contains("closed"), closed.getMessage());
    assertEquals(1000, records(dir));

    Configuration big = new Configuration(conf);
    big.setInt(PreprocessConf.SHARD_PACKET_KB, 2048);
    ShardParts bigParts = new ShardParts(big, new Path("/parts/big"), 0, 2, 1 << 10, ShardFormat.GAPS);
    DfsClientConf bigClient = ((DistributedFileSystem) bigParts.fileSystem()).getClient().getConf();
    assertEquals(2048 * 1024, bigClient.getWritePacketSize());
    assertEquals(2, bigClient.getWriteMaxPackets(), "at least two packets in flight");
    assertNotNull(bigClient.getWriteByteArrayManagerConf());
    write(bigParts, 1000);
    bigParts.close();
    assertEquals(1000, records(new Path("/parts/big")));

    // A user who turned HDFS's buffer reuse off keeps it off.
    Configuration noReuse = new Configuration(conf);
    noReuse.setBoolean(ShardParts.BYTE_ARRAY_MANAGER, false);
    ShardParts plain = new ShardParts(noReuse, new Path("/parts/plain"), 0, 2, 1 << 10, ShardFormat.GAPS);
    assertNull(((DistributedFileSystem) plain.fileSystem()).getClient().getConf().getWriteByteArrayManagerConf());
    write(plain, 10);
    plain.close();
    assertEquals(10, records(new Path("/parts/plain")));
  }

  @Test
  void theShardJobsWritersCloseWithoutHdfsFirstWaitUnlessTheDriverSetsIt() throws Exception {
    assertEquals(400, conf.getInt(HdfsCloseWait.DELAY_KEY, -1), "the cluster's configuration: HDFS's default");
    List<String> columns = List.of("row", "label", "x", "y");
    Job job = Preprocess.shardJob(conf, spec(), new Path("/data/rows.csv"), columns, new Path("/out/wait"), 2, 1 << 12,
        1 << 20);
    Configuration task = job.getConfiguration();
    assertEquals(25, task.getInt(HdfsCloseWait.DELAY_KEY, -1));
    assertEquals(9, task.getInt(HdfsCloseWait.RETRIES_KEY, -1));
    // The map task's writers: their file system's client asks the NameNode again after 25 ms.
    Path dir = new Path("/parts/wait");
    ShardParts parts = new ShardParts(task, dir, 0, 2, 1 << 10, ShardFormat.GAPS);
    DfsClientConf client = ((DistributedFileSystem) parts.fileSystem()).getClient().getConf();
    assertEquals(25, client.getBlockWriteLocateFollowingInitialDelayMs());
    assertEquals(9, client.getNumBlockWriteLocateFollowingRetry());
    write(parts, 100);
    parts.close();
    assertEquals(100, records(dir));

    Configuration own = new Configuration(conf);
    own.setInt(HdfsCloseWait.DELAY_KEY, 150);
    Configuration kept = Preprocess.shardJob(own, spec(), new Path("/data/rows.csv"), columns, new Path("/out/wait"), 2,
        1 << 12, 1 << 20).getConfiguration();
    assertEquals(150, kept.getInt(HdfsCloseWait.DELAY_KEY, -1), "the driver's own wait");
    assertEquals(5, kept.getInt(HdfsCloseWait.RETRIES_KEY, -1), "and HDFS's retries");
  }

  @Test
  void zeroKeepsTheSharedFileSystemWithHdfsOwnPacketsAndLeavesItOpen() throws Exception {
    Configuration off = new Configuration(conf);
    off.setInt(PreprocessConf.SHARD_PACKET_KB, 0);
    Path dir = new Path("/parts/off");
    ShardParts parts = new ShardParts(off, dir, 0, 2, 1 << 10, ShardFormat.GAPS);
    FileSystem shared = FileSystem.get(dir.toUri(), off);
    assertSame(shared, parts.fileSystem());
    assertEquals(64 * 1024, ((DistributedFileSystem) shared).getClient().getConf().getWritePacketSize());
    write(parts, 10);
    parts.close();
    assertTrue(shared.exists(dir), "the shared file system is still open");
    assertEquals(10, records(dir));
  }

  @Test
  void theStageWritesTheSameShardsWithEitherPacketSize() throws Exception {
    StringBuilder csv = new StringBuilder("row,label,x,y\n");
    for (int i = 0; i < 40_000; i++) {
      csv.append(i).append(',').append(Integer.bitCount(i) % 2).append(",v").append(i % 997).append(",w")
          .append((i * 7) % 31).append('\n');
    }
    try (OutputStream out = fs.create(new Path("/data/rows.csv"))) {
      out.write(csv.toString().getBytes(StandardCharsets.UTF_8));
    }
    java.io.File work = Files.createTempDirectory(java.nio.file.Paths.get("target"), "packets").toFile();
    Configuration off = Preprocess.inProcess(conf, 2, work.getPath());
    off.setInt(PreprocessConf.SHARD_PACKET_KB, 0);
    Configuration on = Preprocess.inProcess(conf, 2, work.getPath());
    Configuration tiny = Preprocess.inProcess(conf, 2, work.getPath());
    tiny.setInt(PreprocessConf.SHARD_PACKET_KB, 1);
    PreprocessReport a = Preprocess.run(off, spec(), new Path("/out/hdfs-packets"), 3, (j, id, m, r) -> { });
    PreprocessReport b = Preprocess.run(on, spec(), new Path("/out/big-packets"), 3, (j, id, m, r) -> { });
    PreprocessReport c = Preprocess.run(tiny, spec(), new Path("/out/tiny-packets"), 3, (j, id, m, r) -> { });
    assertEquals(40_000L, ((Number) a.figures().get("rowsWrittenTrain")).longValue()
        + ((Number) a.figures().get("rowsWrittenTest")).longValue());
    FileStatus[] files = fs.listStatus(new Path(a.shards()), p -> p.getName().endsWith(".shard"));
    assertEquals(12, files.length, "3 shards of 2 splits from 2 map tasks: " + Arrays.toString(files));
    for (FileStatus f : files) {
      byte[] expected = bytes(f.getPath());
      assertArrayEquals(expected, bytes(new Path(b.shards(), f.getPath().getName())), f.getPath().getName());
      assertArrayEquals(expected, bytes(new Path(c.shards(), f.getPath().getName())), f.getPath().getName());
    }
  }

  @Test
  void aBadPacketSizeStopsTheStageBeforeAnyJobNamingTheKey() throws Exception {
    for (String bad : new String[] {"-1", "16385", "half"}) {
      Configuration c = new Configuration(conf);
      c.set(PreprocessConf.SHARD_PACKET_KB, bad);
      Path out = new Path("/out/bad-" + bad);
      PreprocessException e = assertThrows(PreprocessException.class,
          () -> Preprocess.run(c, spec(), out, 2, (j, id, m, r) -> { }));
      assertTrue(e.getMessage().contains("psyarn.preprocess.shard.packet-kb is '" + bad + "'"), e.getMessage());
      assertTrue(e.getMessage().contains("16384"), e.getMessage());
      assertFalse(fs.exists(out), "nothing written for " + bad);
    }
  }

  private static PreprocessSpec spec() throws IOException {
    String yaml = """
        input: /data/rows.csv
        format: {type: csv, header: true}
        label: "label == 1"
        split: {testFraction: 0.2}
        features: [{name: x, column: x}, {name: y, column: y}, {name: xy, cross: [x, y]}]
        encoding: {type: hash, bits: 12}
        """;
    return PreprocessSpec.read(SpecNode.root(
        new com.fasterxml.jackson.databind.ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory())
            .readTree(yaml)));
  }

  /** {@code n} records over both splits and shards, keys and labels from the record's number. */
  private static void write(ShardParts parts, int n) throws IOException {
    RecordEncoder encoder = new RecordEncoder(1 << 10);
    for (int i = 0; i < n; i++) {
      long[] keys = {i % 7, 7 + i % 500, 600 + i % 400};
      int length = encoder.encode(0, i % 2, keys, null, keys.length);
      parts.write((byte) (i % 2), i % 3 == 0 ? 0 : 1, encoder.bytes(), 0, length);
    }
  }

  /** Every record of every part under {@code dir}, each read back whole (its count and checksum checked). */
  private static long records(Path dir) throws IOException {
    long n = 0;
    for (FileStatus f : fs.listStatus(dir)) {
      try (ShardReader reader = new ShardReader(fs.open(f.getPath()), f.getPath().getName())) {
        Example ex = new Example();
        while (reader.next(ex)) {
          n++;
        }
      }
    }
    return n;
  }

  private static byte[] bytes(Path p) throws IOException {
    try (var in = fs.open(p)) {
      return in.readAllBytes();
    }
  }
}
