package dev.psyarn.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.psyarn.am.AmEnv;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.yarn.conf.YarnConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfArchiveTest {

  @TempDir
  Path dir;

  @Test
  void theArchiveHoldsTheSiteFilesAndTheSpecWithWhatTheDefaultsDoNotSay() throws Exception {
    Path site = dir.resolve("cluster-site.xml");
    Files.writeString(site, "<configuration><property><name>fs.defaultFS</name><value>hdfs://nn:8020</value>"
        + "</property><property><name>yarn.resourcemanager.address</name><value>rm:8032</value></property>"
        + "</configuration>");
    Configuration client = new YarnConfiguration();
    client.addResource(new org.apache.hadoop.fs.Path(site.toUri()));
    client.set("psyarn.am.rm-heartbeat-ms", "200");
    client.setInt("io.file.buffer.size", 65536); // a default, changed

    Map<String, byte[]> entries = unzip(ConfArchive.of(client, "name: x\n"));

    assertEquals(List.of("core-site.xml", "hdfs-site.xml", "yarn-site.xml", "mapred-site.xml", "job.yaml"),
        List.copyOf(entries.keySet()));
    assertEquals("name: x\n", new String(entries.get(AmEnv.SPEC), StandardCharsets.UTF_8));
    for (String name : AmEnv.SITE_FILES) {
      Configuration read = new Configuration(false);
      read.addResource(new ByteArrayInputStream(entries.get(name)), name);
      assertEquals("hdfs://nn:8020", read.get("fs.defaultFS"), name);
      assertEquals("rm:8032", read.get("yarn.resourcemanager.address"), name);
      assertEquals("200", read.get("psyarn.am.rm-heartbeat-ms"), name);
      assertEquals("65536", read.get("io.file.buffer.size"), name);
      assertNull(read.get("hadoop.tmp.dir"), "a value of core-default.xml alone stays with the cluster's defaults");
      assertNull(read.get("yarn.nodemanager.resource.memory-mb"), "and of yarn-default.xml");
      assertTrue(read.size() < 40, name + " holds " + read.size() + " properties");
    }
  }

  @Test
  void aJvmReadingTheSiteFilesAfterItsOwnDefaultsSeesTheClientsValues() throws Exception {
    Configuration client = new YarnConfiguration();
    client.set(YarnConfiguration.RM_SCHEDULER_ADDRESS, "localhost:41234");
    client.set("fs.defaultFS", "hdfs://localhost:9000");
    Map<String, byte[]> entries = unzip(ConfArchive.of(client, "name: x\n"));
    Path conf = Files.createDirectories(dir.resolve("psyarn-conf"));
    for (String name : AmEnv.SITE_FILES) {
      Files.write(conf.resolve(name), entries.get(name));
    }
    // As a container's YarnConfiguration does: defaults, then the site files by name.
    Configuration container = new Configuration(false);
    for (String name : List.of("core-default.xml", "yarn-default.xml")) {
      container.addResource(name);
    }
    for (String name : AmEnv.SITE_FILES) {
      container.addResource(new org.apache.hadoop.fs.Path(conf.resolve(name).toUri()));
    }
    assertEquals("localhost:41234", container.get(YarnConfiguration.RM_SCHEDULER_ADDRESS));
    assertEquals("hdfs://localhost:9000", container.get("fs.defaultFS"));
    assertEquals(new YarnConfiguration().get(YarnConfiguration.NM_LOCAL_DIRS), container.get(YarnConfiguration.NM_LOCAL_DIRS),
        "a default the client did not change is the container's own");
  }

  private static Map<String, byte[]> unzip(byte[] zip) throws IOException {
    Map<String, byte[]> entries = new LinkedHashMap<>();
    try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
      for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
        entries.put(e.getName(), in.readAllBytes());
      }
    }
    return entries;
  }
}
