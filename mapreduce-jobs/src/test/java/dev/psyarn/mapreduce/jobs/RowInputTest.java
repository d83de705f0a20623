package dev.psyarn.mapreduce.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.DataInputBuffer;
import org.apache.hadoop.io.DataOutputBuffer;
import org.apache.hadoop.mapreduce.Counter;
import org.apache.hadoop.mapreduce.Counters;
import org.apache.hadoop.mapreduce.InputFormat;
import org.apache.hadoop.mapreduce.InputSplit;
import org.apache.hadoop.mapreduce.Job;
import org.apache.hadoop.mapreduce.RecordReader;
import org.apache.hadoop.mapreduce.StatusReporter;
import org.apache.hadoop.mapreduce.TaskAttemptID;
import org.apache.hadoop.mapreduce.lib.input.FileInputFormat;
import org.apache.hadoop.mapreduce.lib.input.FileInputFormatCounter;
import org.apache.hadoop.mapreduce.lib.input.FileSplit;
import org.apache.hadoop.mapreduce.lib.input.TextInputFormat;
import org.apache.hadoop.mapreduce.task.TaskAttemptContextImpl;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The preprocessing input: the file format's splits in an envelope that is not a
 * {@code FileSplit} (so the map task does not read the file system's statistics a record), the
 * same records read, the bytes counted once a split.
 */
class RowInputTest {

  @TempDir
  java.nio.file.Path dir;

  /** The counters a task would have. */
  private static final class Reporter extends StatusReporter {
    final Counters counters = new Counters();

    @Override
    public Counter getCounter(Enum<?> name) {
      return counters.findCounter(name);
    }

    @Override
    public Counter getCounter(String group, String name) {
      return counters.findCounter(group, name);
    }

    @Override
    public void progress() {}

    @Override
    public float getProgress() {
      return 0;
    }

    @Override
    public void setStatus(String status) {}
  }

  @Test
  void aSplitInItsEnvelopeIsWrittenAndReadBackAsTheFileFormatsOwn() throws Exception {
    FileSplit split = new FileSplit(new Path("hdfs://nn:8020/data/rows.csv"), 1234, 5678, new String[] {"host1"});
    DataOutputBuffer out = new DataOutputBuffer();
    new RowInput.Envelope(split).write(out);
    DataInputBuffer in = new DataInputBuffer();
    in.reset(out.getData(), out.getLength());
    RowInput.Envelope read = new RowInput.Envelope();
    read.readFields(in);

    assertFalse(InputSplit.class.cast(read) instanceof FileSplit, "the map task must not see a FileSplit");
    FileSplit inner = assertInstanceOf(FileSplit.class, RowInput.unwrap(read));
    assertEquals(split.getPath(), inner.getPath());
    assertEquals(1234, inner.getStart());
    assertEquals(5678, inner.getLength());
    assertEquals(5678, read.getLength());
    assertEquals(0, in.available(), "every byte written was read");
    assertTrue(RowInput.unwrap(split) == split, "a split not in an envelope is itself");
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(ints = {1, 7, 256})
  void everyLineIsReadOnceThroughTheEnvelopesAndTheBytesAreCountedOnceASplit(int batch) throws Exception {
    java.nio.file.Path file = dir.resolve("rows.csv");
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 5000; i++) {
      text.append("row,").append(i).append('\n');
    }
    Files.writeString(file, text, StandardCharsets.UTF_8);
    Configuration conf = new Configuration();
    conf.setClass(RowInput.FORMAT, TextInputFormat.class, InputFormat.class);
    conf.setLong(FileInputFormat.SPLIT_MAXSIZE, 8 * 1024); // several splits
    conf.setInt(RowInput.BATCH, batch);
    Job job = Job.getInstance(conf);
    FileInputFormat.addInputPath(job, new Path(file.toUri()));

    RowInput input = new RowInput();
    List<InputSplit> splits = input.getSplits(job);
    assertTrue(splits.size() > 3, "splits: " + splits.size());
    Reporter reporter = new Reporter();
    List<String> lines = new ArrayList<>();
    List<Long> offsets = new ArrayList<>();
    long lengths = 0;
    int values = 0;
    for (InputSplit split : splits) {
      assertInstanceOf(RowInput.Envelope.class, split);
      lengths += split.getLength();
      TaskAttemptContextImpl task = new TaskAttemptContextImpl(job.getConfiguration(), new TaskAttemptID(), reporter);
      try (RecordReader<Object, Object> reader = input.createRecordReader(split, task)) {
        reader.initialize(split, task);
        while (reader.nextKeyValue()) {
          values++;
          if (batch == 1) {
            offsets.add(((org.apache.hadoop.io.LongWritable) reader.getCurrentKey()).get());
            lines.add(reader.getCurrentValue().toString());
          } else {
            RowInput.Batch b = assertInstanceOf(RowInput.Batch.class, reader.getCurrentValue());
            assertTrue(b.size() >= 1 && b.size() <= batch, "a batch of " + b.size());
            for (int i = 0; i < b.size(); i++) {
              offsets.add(b.offset(i));
              lines.add((String) b.value(i));
            }
          }
        }
      }
    }
    assertEquals(5000, lines.size());
    long at = 0;
    for (int i = 0; i < 5000; i++) {
      assertEquals("row," + i, lines.get(i));
      assertEquals(at, offsets.get(i), "line " + i + "'s byte offset");
      at += lines.get(i).length() + 1;
    }
    // One value a line, or a batch of them: fewer values than lines, and at least one a split.
    assertTrue(batch == 1 ? values == 5000 : values < 5000 && values >= splits.size(), values + " values");
    assertEquals(Files.size(file), lengths);
    assertEquals(Files.size(file), reporter.counters.findCounter(FileInputFormatCounter.BYTES_READ).getValue());
  }

  @Test
  void aJobWithoutTheFileFormatSaysWhichSettingIsMissing() throws Exception {
    Job job = Job.getInstance(new Configuration());
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> new RowInput().getSplits(job));
    assertTrue(e.getMessage().contains(RowInput.FORMAT), e.getMessage());
  }
}
