package dev.psyarn.client;

import dev.psyarn.ps.api.Applications;
import dev.psyarn.specs.SpecException;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipFile;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The client's view of a spec's {@code app.jars}: each is checked to be there and to be a jar,
 * before anything is submitted, and the app's class is looked up in them, so a wrong jar or class
 * name is a spec error naming the field rather than a failed job.
 */
public final class AppJars {

  private AppJars() {}

  /**
   * A class loader over {@code jars} (paths as the spec gives them, made absolute), on any file
   * system Hadoop reaches: remote ones are copied to a local directory that is deleted on exit.
   * Psyarn's own class loader when there are none.
   */
  public static ClassLoader loader(List<String> jars, Configuration conf) {
    if (jars.isEmpty()) {
      return AppJars.class.getClassLoader();
    }
    List<java.nio.file.Path> local = new ArrayList<>();
    java.nio.file.Path dir = null;
    for (int i = 0; i < jars.size(); i++) {
      String field = "app.jars[" + i + "]";
      Path jar = new Path(jars.get(i));
      try {
        FileSystem fs = jar.getFileSystem(conf);
        FileStatus status;
        try {
          status = fs.getFileStatus(jar);
        } catch (java.io.FileNotFoundException e) {
          throw new SpecException(field, "no jar at " + fs.makeQualified(jar) + ": build the app's jar and give its path "
              + "(a local file, or hdfs:///…)");
        }
        if (status.isDirectory()) {
          throw new SpecException(field, fs.makeQualified(jar) + " is a directory, not a jar");
        }
        java.nio.file.Path copy;
        if ("file".equals(fs.getScheme())) {
          copy = java.nio.file.Path.of(fs.makeQualified(jar).toUri());
        } else {
          if (dir == null) {
            dir = Files.createTempDirectory("psyarn-app-jars");
            dir.toFile().deleteOnExit();
          }
          copy = dir.resolve(i + "-" + jar.getName());
          fs.copyToLocalFile(false, jar, new Path(copy.toUri()), true);
          copy.toFile().deleteOnExit();
        }
        try (ZipFile zip = new ZipFile(copy.toFile())) {
          zip.size();
        } catch (IOException e) {
          throw new SpecException(field, fs.makeQualified(jar) + " is not a jar (" + e.getMessage() + ")");
        }
        local.add(copy);
      } catch (IOException e) {
        throw new SpecException(field, "cannot read " + jar + ": " + e.getMessage());
      }
    }
    return Applications.loader(local, AppJars.class.getClassLoader());
  }
}
