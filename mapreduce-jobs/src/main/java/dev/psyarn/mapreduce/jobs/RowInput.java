package dev.psyarn.mapreduce.jobs;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.io.LongWritable;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.io.Writable;
import org.apache.hadoop.mapred.SplitLocationInfo;
import org.apache.hadoop.mapreduce.InputFormat;
import org.apache.hadoop.mapreduce.InputSplit;
import org.apache.hadoop.mapreduce.JobContext;
import org.apache.hadoop.mapreduce.RecordReader;
import org.apache.hadoop.mapreduce.TaskAttemptContext;
import org.apache.hadoop.mapreduce.lib.input.FileInputFormatCounter;
import org.apache.hadoop.util.ReflectionUtils;

/**
 * The preprocessing jobs' input: the file format's own input format (Parquet or text, named by
 * {@link #FORMAT}) with each of its splits handed to the task in an envelope that is not a
 * {@code FileSplit}. For a {@code FileSplit}, MapReduce's map task asks the file system's
 * statistics for the bytes read before and after every record (a visit of every thread's figures
 * under a lock, 7 % of a 30 M-row stage's profile); for any other split it does not. The bytes
 * read are counted once a split instead, as its length, in the same counter.
 *
 * <p>The reader hands the map task {@link #BATCH} records at a time as one {@link Batch}: the map
 * task's own work a record (its input counter, its progress, the context's layers around the
 * reader) is then done once a batch. {@link RowMapper} takes each record of it in turn and adds
 * the rest of the batch to MapReduce's input records counter, which so still counts records.
 */
public final class RowInput extends InputFormat<Object, Object> {

  /** The class of the input format that reads the files. */
  public static final String FORMAT = "psyarn.preprocess.input.format";
  /** Records handed to the map task at a time (default {@value #BATCH_DEFAULT}; 1: one by one, as read). */
  public static final String BATCH = "psyarn.preprocess.input.batch";
  static final int BATCH_DEFAULT = 256;

  @Override
  public List<InputSplit> getSplits(JobContext context) throws IOException, InterruptedException {
    List<InputSplit> splits = new ArrayList<>();
    for (InputSplit split : format(context.getConfiguration()).getSplits(context)) {
      splits.add(new Envelope(split));
    }
    return splits;
  }

  @Override
  public RecordReader<Object, Object> createRecordReader(InputSplit split, TaskAttemptContext context)
      throws IOException, InterruptedException {
    InputSplit inner = unwrap(split);
    RecordReader<Object, Object> real = format(context.getConfiguration()).createRecordReader(inner, context);
    return new Reader(real, inner, context.getConfiguration().getInt(BATCH, BATCH_DEFAULT));
  }

  /**
   * Records of the file format's reader handed to the map task as one value, valid until the next:
   * each record's value (a text line as its string: the reader reuses its {@code Text}) and key (a
   * line's byte offset; -1 where the key is none, a Parquet row's).
   */
  public static final class Batch {
    private final long[] offsets;
    private final Object[] values;
    private int size;

    Batch(int capacity) {
      offsets = new long[capacity];
      values = new Object[capacity];
    }

    public int size() {
      return size;
    }

    public long offset(int i) {
      return offsets[i];
    }

    public Object value(int i) {
      return values[i];
    }
  }

  /** The file format's split inside an envelope, or the split itself. */
  public static InputSplit unwrap(InputSplit split) {
    return split instanceof Envelope e ? e.inner : split;
  }

  @SuppressWarnings("unchecked")
  private static InputFormat<Object, Object> format(Configuration conf) {
    Class<?> type = conf.getClass(FORMAT, null);
    if (type == null) {
      throw new IllegalStateException(FORMAT + " is not set: the job's input format is unknown");
    }
    return (InputFormat<Object, Object>) ReflectionUtils.newInstance(type, conf);
  }

  /** A split of the file format, written as its class and its own fields. */
  public static final class Envelope extends InputSplit implements Writable {

    private InputSplit inner;

    public Envelope() {}

    Envelope(InputSplit inner) {
      if (!(inner instanceof Writable)) {
        throw new IllegalArgumentException("a split of " + inner.getClass().getName() + " cannot be written");
      }
      this.inner = inner;
    }

    @Override
    public long getLength() throws IOException, InterruptedException {
      return inner.getLength();
    }

    @Override
    public String[] getLocations() throws IOException, InterruptedException {
      return inner.getLocations();
    }

    @Override
    public SplitLocationInfo[] getLocationInfo() throws IOException {
      return inner.getLocationInfo();
    }

    @Override
    public void write(DataOutput out) throws IOException {
      Text.writeString(out, inner.getClass().getName());
      ((Writable) inner).write(out);
    }

    @Override
    public void readFields(DataInput in) throws IOException {
      String type = Text.readString(in);
      try {
        inner = (InputSplit) ReflectionUtils.newInstance(Class.forName(type, true,
            Thread.currentThread().getContextClassLoader() != null ? Thread.currentThread().getContextClassLoader()
                : Envelope.class.getClassLoader()), null);
      } catch (ClassNotFoundException e) {
        throw new IOException("the split's class " + type + " is not on the task's class path", e);
      }
      ((Writable) inner).readFields(in);
    }

    @Override
    public String toString() {
      return inner.toString();
    }
  }

  /**
   * The file format's reader, its records a batch at a time (or one by one, as read, for a batch of
   * 1); counts the split's bytes as read when it is closed.
   */
  private static final class Reader extends RecordReader<Object, Object> {

    private final RecordReader<Object, Object> real;
    private final InputSplit inner;
    private final Batch batch;
    private TaskAttemptContext context;

    Reader(RecordReader<Object, Object> real, InputSplit inner, int batch) {
      this.real = real;
      this.inner = inner;
      this.batch = batch > 1 ? new Batch(batch) : null;
    }

    @Override
    public void initialize(InputSplit split, TaskAttemptContext context) throws IOException, InterruptedException {
      this.context = context;
      real.initialize(inner, context);
    }

    @Override
    public boolean nextKeyValue() throws IOException, InterruptedException {
      if (batch == null) {
        return real.nextKeyValue();
      }
      int n = 0;
      while (n < batch.values.length && real.nextKeyValue()) {
        Object key = real.getCurrentKey();
        Object value = real.getCurrentValue();
        batch.offsets[n] = key instanceof LongWritable l ? l.get() : -1;
        batch.values[n++] = value instanceof Text t ? t.toString() : value;
      }
      if (n < batch.size) {
        java.util.Arrays.fill(batch.values, n, batch.size, null); // the last batch keeps no rows of the one before
      }
      batch.size = n;
      return n > 0;
    }

    @Override
    public Object getCurrentKey() throws IOException, InterruptedException {
      return batch == null ? real.getCurrentKey() : null;
    }

    @Override
    public Object getCurrentValue() throws IOException, InterruptedException {
      return batch == null ? real.getCurrentValue() : batch;
    }

    @Override
    public float getProgress() throws IOException, InterruptedException {
      return real.getProgress();
    }

    @Override
    public void close() throws IOException {
      real.close();
      if (context != null) {
        try {
          context.getCounter(FileInputFormatCounter.BYTES_READ).increment(inner.getLength());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        context = null;
      }
    }
  }
}
