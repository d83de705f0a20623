package dev.psyarn.mapreduce.jobs;

import dev.psyarn.mapreduce.preprocess.BadRecordException;
import dev.psyarn.mapreduce.preprocess.Featurizer;
import dev.psyarn.mapreduce.preprocess.LineDecoder;
import dev.psyarn.mapreduce.preprocess.PreprocessSpec;
import dev.psyarn.mapreduce.preprocess.Row;
import dev.psyarn.mapreduce.preprocess.RowReadSupport;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.LongWritable;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.mapreduce.InputSplit;
import org.apache.hadoop.mapreduce.Mapper;
import org.apache.hadoop.mapreduce.lib.input.FileSplit;

/**
 * The common part of the preprocessing mappers: decodes each input record (a Parquet record, read
 * as a row by {@link RowReadSupport}, or a text line) into a {@link Row}, gives it a stable id (its
 * file and position), and counts and samples the records that cannot be read. Subclasses handle
 * the rows.
 */
abstract class RowMapper<KO, VO> extends Mapper<Object, Object, KO, VO> {

  /** Bad records sampled per task into the side directory, for the error message. */
  static final int SAMPLES_PER_TASK = 3;

  protected PreprocessSpec spec;
  protected Featurizer featurizer;
  private LineDecoder lines;
  private long fileHash;
  private long splitStart;
  private long position;
  private String file;
  private int sampled;
  private Writer samples;
  private Context context;
  private org.apache.hadoop.mapreduce.Counter rowsRead;
  /** Rows read in this call of {@link #map}, added to {@link #rowsRead} at its end: one counter update a batch. */
  private long read;
  private org.apache.hadoop.mapreduce.Counter mapInputRecords;

  @Override
  protected void setup(Context context) throws IOException {
    this.context = context;
    context.getCounter(PreprocessCounters.MAP_TASKS).increment(1);
    Configuration conf = context.getConfiguration();
    spec = PreprocessSpec.fromJson(conf.get(PreprocessConf.SPEC));
    featurizer = new Featurizer(spec);
    if (!spec.format().type().equals("parquet")) {
      lines = new LineDecoder(spec.format(), Arrays.asList(conf.getStrings(PreprocessConf.COLUMNS, new String[0])));
    }
    InputSplit split = RowInput.unwrap(context.getInputSplit());
    String identity;
    if (split instanceof FileSplit fs) {
      file = fs.getPath().toString();
      splitStart = fs.getStart();
      // The path alone, without scheme and authority: a row keeps its split when the same file
      // is read through another NameNode address (an HA nameservice, a new port).
      identity = fs.getPath().toUri().getPath();
    } else {
      file = split.toString();
      identity = file;
    }
    fileHash = Featurizer.mix(identity.hashCode() * 0x9E3779B97F4A7C15L);
    rowsRead = context.getCounter(PreprocessCounters.ROWS_READ);
    mapInputRecords = context.getCounter(org.apache.hadoop.mapreduce.TaskCounter.MAP_INPUT_RECORDS);
  }

  @Override
  protected final void map(Object key, Object value, Context context) throws IOException, InterruptedException {
    read = 0;
    try {
      if (value instanceof RowInput.Batch batch) {
        for (int i = 0; i < batch.size(); i++) {
          record(batch.offset(i), batch.value(i), context);
        }
        mapInputRecords.increment(batch.size() - 1L); // the map task counted the batch as one record
      } else {
        record(key instanceof LongWritable l ? l.get() : -1, value instanceof Text t ? t.toString() : value, context);
      }
    } finally {
      rowsRead.increment(read);
    }
  }

  /** One record: a Parquet row (or why it could not be read), or a text line at byte {@code offset}. */
  private void record(long offset, Object value, Context context) throws IOException, InterruptedException {
    long rowId;
    Row row;
    read++;
    try {
      if (value instanceof Row r) {
        rowId = fileHash ^ Featurizer.mix(Featurizer.mix(splitStart) + position++);
        row = r;
      } else if (value instanceof RowReadSupport.Unreadable u) {
        position++;
        throw new BadRecordException(u.why());
      } else {
        if (offset == 0 && spec.format().header()) {
          read--;
          return;
        }
        rowId = fileHash ^ Featurizer.mix(offset + 1);
        row = lines.decode((String) value);
      }
      handle(row, rowId, context);
    } catch (BadRecordException e) {
      context.getCounter(PreprocessCounters.BAD_RECORDS).increment(1);
      String where = !(value instanceof String) ? file + " record " + (position - 1) + " of the split at byte "
          + splitStart : file + " at byte " + offset;
      sample(where, String.valueOf(value), e.getMessage());
    }
  }

  /** Handles a row that was read; a {@link BadRecordException} counts it as bad. */
  protected abstract void handle(Row row, long rowId, Context context) throws IOException, InterruptedException;

  @Override
  protected void cleanup(Context context) throws IOException, InterruptedException {
    if (samples != null) {
      samples.close();
    }
  }

  private void sample(String where, String record, String why) throws IOException {
    if (sampled++ >= SAMPLES_PER_TASK) {
      return;
    }
    String dir = context.getConfiguration().get(PreprocessConf.BAD_DIR);
    if (dir == null) {
      return;
    }
    if (samples == null) {
      Path path = new Path(dir, context.getTaskAttemptID().toString());
      FSDataOutputStream out = path.getFileSystem(context.getConfiguration()).create(path, true);
      samples = new java.io.OutputStreamWriter(out, StandardCharsets.UTF_8);
    }
    String shown = record.replace('\n', ' ').replace("\t", "\\t");
    if (shown.length() > 200) {
      shown = shown.substring(0, 200) + "…";
    }
    samples.write(where + ": " + why + ": " + shown + "\n");
    samples.flush();
  }
}
