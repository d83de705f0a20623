package dev.psyarn.mapreduce.jobs;

import dev.psyarn.mapreduce.preprocess.PreprocessSpec;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.schema.Type;

/** What the driver checks of the input before it submits anything: its files, and their columns. */
final class PreprocessInput {

  private PreprocessInput() {}

  static FileStatus[] files(Configuration conf, Path input) throws IOException, PreprocessException {
    FileSystem fs = input.getFileSystem(conf);
    FileStatus[] matches = fs.globStatus(input);
    if (matches == null || matches.length == 0) {
      throw new PreprocessException(null, "preprocess.input: " + input + " does not exist");
    }
    List<FileStatus> files = new ArrayList<>();
    for (FileStatus m : matches) {
      if (m.isDirectory()) {
        for (FileStatus f : fs.listStatus(m.getPath())) {
          if (f.isFile() && !f.getPath().getName().startsWith("_") && !f.getPath().getName().startsWith(".")) {
            files.add(f);
          }
        }
      } else {
        files.add(m);
      }
    }
    if (files.isEmpty()) {
      throw new PreprocessException(null, "preprocess.input: " + input + " holds no files");
    }
    return files.toArray(new FileStatus[0]);
  }

  /**
   * The input's column names (Parquet schema, CSV header or the spec's columns); every column the
   * spec reads must be among them.
   */
  static List<String> checkColumns(Configuration conf, PreprocessSpec spec, FileStatus[] files)
      throws IOException, PreprocessException {
    List<String> columns;
    Path first = files[0].getPath();
    switch (spec.format().type()) {
      case "parquet" -> {
        columns = new ArrayList<>();
        try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromPath(first, conf))) {
          for (Type t : reader.getFooter().getFileMetaData().getSchema().getFields()) {
            columns.add(t.getName());
          }
        } catch (RuntimeException | IOException e) {
          throw new PreprocessException(null, "preprocess.input: " + first + " is not a Parquet file: " + e.getMessage());
        }
      }
      case "csv" -> {
        if (spec.format().header()) {
          FileSystem fs = first.getFileSystem(conf);
          try (BufferedReader in = new BufferedReader(new InputStreamReader(fs.open(first), StandardCharsets.UTF_8))) {
            String header = in.readLine();
            if (header == null) {
              throw new PreprocessException(null, "preprocess.input: " + first + " is empty; a CSV with header: true "
                  + "needs the column names on its first line");
            }
            columns = new dev.psyarn.mapreduce.preprocess.LineDecoder(spec.format(), List.of())
                .split(header, spec.format().delimiter(), spec.format().quote());
          }
        } else {
          columns = spec.format().columns();
        }
      }
      case "libsvm" -> columns = List.of("label", "features");
      default -> columns = List.of("label", "text");
    }
    TreeSet<String> missing = new TreeSet<>(spec.columns());
    missing.removeAll(columns);
    if (!missing.isEmpty()) {
      throw new PreprocessException(null, "preprocess: the spec reads column(s) " + String.join(", ", missing)
          + " that " + first + " does not have; its columns: " + String.join(", ", columns));
    }
    return columns;
  }
}
