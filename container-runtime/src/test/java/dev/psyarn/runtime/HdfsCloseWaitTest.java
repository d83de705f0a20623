package dev.psyarn.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HdfsCloseWaitTest {

  @TempDir
  Path dir;

  @Test
  void aConfigurationWithoutEitherKeyGetsPsyarnsWaitRecordedAsOurs() {
    Configuration conf = new Configuration(false);
    assertSame(conf, HdfsCloseWait.apply(conf));
    assertEquals(25, conf.getInt(HdfsCloseWait.DELAY_KEY, -1));
    assertEquals(9, conf.getInt(HdfsCloseWait.RETRIES_KEY, -1));
    assertTrue(Arrays.asList(conf.getPropertySources(HdfsCloseWait.DELAY_KEY)).contains(HdfsCloseWait.SOURCE),
        Arrays.toString(conf.getPropertySources(HdfsCloseWait.DELAY_KEY)));
    // Waited in all before a close fails: at least HDFS's own 400 ms doubled five times (12.4 s).
    long total = 0;
    for (int i = 0, wait = HdfsCloseWait.DELAY_MS; i < HdfsCloseWait.RETRIES; i++, wait *= 2) {
      total += wait;
    }
    assertTrue(total >= 12_400, "waits " + total + " ms in all");
    // Applied again (a job's copy of a client's configuration): the same.
    HdfsCloseWait.apply(new Configuration(conf));
    assertEquals(25, HdfsCloseWait.apply(conf).getInt(HdfsCloseWait.DELAY_KEY, -1));
  }

  @Test
  void eitherKeySetByTheUserKeepsBothAsTheyAre() {
    Configuration delay = new Configuration(false);
    delay.setInt(HdfsCloseWait.DELAY_KEY, 100);
    HdfsCloseWait.apply(delay);
    assertEquals(100, delay.getInt(HdfsCloseWait.DELAY_KEY, -1));
    assertNull(delay.get(HdfsCloseWait.RETRIES_KEY), "retries left to HDFS");

    Configuration retries = new Configuration(false);
    retries.setInt(HdfsCloseWait.RETRIES_KEY, 3);
    HdfsCloseWait.apply(retries);
    assertNull(retries.get(HdfsCloseWait.DELAY_KEY), "the first wait left to HDFS");
    assertEquals(3, retries.getInt(HdfsCloseWait.RETRIES_KEY, -1));
  }

  @Test
  void aSiteFileThatSetsTheWaitKeepsItWhileHdfsOwnDefaultsAreReplaced() throws Exception {
    Configuration site = new Configuration(false);
    site.addResource(xml("hdfs-site.xml", HdfsCloseWait.DELAY_KEY, "200"));
    HdfsCloseWait.apply(site);
    assertEquals(200, site.getInt(HdfsCloseWait.DELAY_KEY, -1));
    assertNull(site.get(HdfsCloseWait.RETRIES_KEY));

    Configuration defaults = new Configuration(false);
    defaults.addResource(xml("hdfs-default.xml", HdfsCloseWait.DELAY_KEY, "400"));
    HdfsCloseWait.apply(defaults);
    assertEquals(25, defaults.getInt(HdfsCloseWait.DELAY_KEY, -1));
    assertEquals(9, defaults.getInt(HdfsCloseWait.RETRIES_KEY, -1));
  }

  @Test
  void aJobConfigurationWrittenOutAndReadBackKeepsWhatItCarries() throws Exception {
    Configuration client = HdfsCloseWait.apply(new Configuration(false));
    File jobXml = dir.resolve("job.xml").toFile();
    try (OutputStream out = Files.newOutputStream(jobXml.toPath())) {
      client.writeXml(out);
    }
    Configuration task = new Configuration(false);
    task.addResource(new org.apache.hadoop.fs.Path(jobXml.toURI()));
    HdfsCloseWait.apply(task);
    assertEquals(25, task.getInt(HdfsCloseWait.DELAY_KEY, -1));
    assertEquals(9, task.getInt(HdfsCloseWait.RETRIES_KEY, -1));
  }

  private org.apache.hadoop.fs.Path xml(String name, String key, String value) throws Exception {
    Path dirOfFile = Files.createDirectories(dir.resolve(name + ".d"));
    Path file = dirOfFile.resolve(name);
    Files.writeString(file, "<?xml version=\"1.0\"?>\n<configuration><property><name>" + key + "</name><value>"
        + value + "</value></property></configuration>\n");
    return new org.apache.hadoop.fs.Path(file.toUri());
  }
}
