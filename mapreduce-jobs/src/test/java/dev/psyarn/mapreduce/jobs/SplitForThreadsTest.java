package dev.psyarn.mapreduce.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.mapreduce.Job;
import org.apache.hadoop.mapreduce.lib.input.FileInputFormat;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetInputFormat;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Jobs run in one JVM get a split a map thread, whatever the file system's block size. */
class SplitForThreadsTest {

  private static final MessageType SCHEMA = MessageTypeParser.parseMessageType(
      "message rows { required int64 a; required double b; }");

  @TempDir
  java.nio.file.Path dir;

  private int splits(Configuration conf, Path file, boolean forThreads) throws Exception {
    Configuration c = new Configuration(conf);
    c.setInt(Preprocess.LOCAL_MAPS, 2);
    long bytes = file.getFileSystem(c).getFileStatus(file).getLen();
    if (forThreads) {
      Preprocess.splitForThreads(c, bytes);
    } else {
      c.setLong(FileInputFormat.SPLIT_MAXSIZE, (bytes + 1) / 2); // at most half: the rule before
    }
    Job job = Job.getInstance(c);
    FileInputFormat.addInputPath(job, file);
    ParquetInputFormat.setReadSupportClass(job, GroupReadSupport.class);
    return new ParquetInputFormat<Group>().getSplits(job).size();
  }

  @Test
  void aFileOfManyBlocksIsCutIntoOneSplitAThread() throws Exception {
    Configuration conf = new Configuration();
    conf.setLong("fs.local.block.size", 256 * 1024); // blocks far smaller than half the file
    conf.setBoolean("fs.file.impl.disable.cache", true); // a local file system of this block size, not a cached one
    Path file = new Path(dir.resolve("rows.parquet").toUri());
    SimpleGroupFactory groups = new SimpleGroupFactory(SCHEMA);
    Random random = new Random(5);
    try (ParquetWriter<Group> w = ExampleParquetWriter.builder(file).withConf(conf).withType(SCHEMA)
        .withRowGroupSize(64 * 1024).build()) {
      for (int i = 0; i < 200_000; i++) {
        w.write(groups.newGroup().append("a", random.nextLong()).append("b", random.nextDouble()));
      }
    }
    assertTrue(splits(conf, file, false) > 2, "a split a block when only the largest size is set");
    assertEquals(2, splits(conf, file, true), "two map threads, two splits");
  }
}
