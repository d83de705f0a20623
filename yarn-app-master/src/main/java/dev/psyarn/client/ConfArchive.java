package dev.psyarn.client;

import dev.psyarn.am.AmEnv;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.apache.hadoop.conf.Configuration;

/**
 * The archive the client stages for the AM and every container ({@link AmEnv#CONF_ARCHIVE}): the
 * client's configuration under each of {@link AmEnv#SITE_FILES}, and the spec.
 */
final class ConfArchive {

  private ConfArchive() {}

  /** The archive's bytes: {@code conf} as {@link #withoutDefaults} keeps it, and {@code specText}. */
  static byte[] of(Configuration conf, String specText) throws IOException {
    ByteArrayOutputStream xml = new ByteArrayOutputStream();
    withoutDefaults(conf).writeXml(xml);
    ByteArrayOutputStream zip = new ByteArrayOutputStream();
    try (ZipOutputStream out = new ZipOutputStream(zip)) {
      for (String name : AmEnv.SITE_FILES) {
        out.putNextEntry(new ZipEntry(name));
        xml.writeTo(out);
        out.closeEntry();
      }
      out.putNextEntry(new ZipEntry(AmEnv.SPEC));
      out.write(specText.getBytes(StandardCharsets.UTF_8));
      out.closeEntry();
    }
    return zip.toByteArray();
  }

  /**
   * The properties of {@code conf} that no Hadoop default file ({@code *-default.xml}) alone set:
   * the client's site files, {@code -D} options and what psyarn set. The JVMs on the cluster read
   * the defaults from their own Hadoop's jars; a full copy (1,600 properties, 277 kB, four times)
   * made every one of them parse the defaults twice, and would pin a cluster's defaults to the
   * client's Hadoop version.
   */
  static Configuration withoutDefaults(Configuration conf) {
    Configuration kept = new Configuration(false);
    for (Map.Entry<String, String> property : conf) {
      String[] sources = conf.getPropertySources(property.getKey());
      if (sources == null || !onlyDefaults(sources)) {
        kept.set(property.getKey(), property.getValue());
      }
    }
    return kept;
  }

  private static boolean onlyDefaults(String[] sources) {
    if (sources.length == 0) {
      return false;
    }
    for (String source : sources) {
      if (!source.endsWith("-default.xml")) {
        return false;
      }
    }
    return true;
  }
}
