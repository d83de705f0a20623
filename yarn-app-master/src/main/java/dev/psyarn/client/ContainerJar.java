package dev.psyarn.client;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Enumeration;
import java.util.List;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.apache.commons.compress.archivers.zip.ZipFile;

/**
 * The lean copy of the distribution jar that servers (and workers that read only shards) run on:
 * the same classes without what only the client, the AM and the preprocessing's MapReduce tasks
 * use, Parquet with its codecs' native libraries (zstd-jni, snappy-java) and liblinear. About a
 * quarter of the distribution jar's bytes; nothing in it is recompressed (entries are copied raw).
 */
public final class ContainerJar {

  /** Entries under these prefixes stay out (Parquet, its shaded parts and codecs; liblinear). */
  static final List<String> LEFT_OUT = List.of(
      "org/apache/parquet/", "shaded/parquet/", "com/github/luben/", "org/xerial/snappy/",
      "org/apache/commons/pool/", "dev/psyarn/shaded/de/bwaldvogel/",
      "META-INF/maven/org.apache.parquet/", "META-INF/maven/com.github.luben/", "META-INF/maven/org.xerial.snappy/",
      "META-INF/maven/de.bwaldvogel/");

  private ContainerJar() {}

  /** Whether the lean jar leaves out {@code entry} (a jar entry's name). */
  static boolean leftOut(String entry) {
    for (String prefix : LEFT_OUT) {
      if (entry.startsWith(prefix)) {
        return true;
      }
    }
    // zstd-jni's natives sit at the root by platform: linux/amd64/libzstd-jni-1.5.6-6.so, ...
    return entry.contains("/libzstd-jni-") || entry.startsWith("libzstd-jni-");
  }

  /** Writes the lean copy of {@code distribution} to {@code out}; returns the number of entries left out. */
  public static int write(File distribution, OutputStream out) throws IOException {
    int skipped = 0;
    try (ZipFile zip = new ZipFile(distribution);
        ZipArchiveOutputStream lean = new ZipArchiveOutputStream(out)) {
      for (Enumeration<ZipArchiveEntry> entries = zip.getEntriesInPhysicalOrder(); entries.hasMoreElements(); ) {
        ZipArchiveEntry entry = entries.nextElement();
        if (leftOut(entry.getName())) {
          skipped++;
          continue;
        }
        try (InputStream raw = zip.getRawInputStream(entry)) {
          lean.addRawArchiveEntry(entry, raw);
        }
      }
      lean.finish();
    }
    return skipped;
  }
}
