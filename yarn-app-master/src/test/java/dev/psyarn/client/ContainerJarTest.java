package dev.psyarn.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContainerJarTest {

  @TempDir Path dir;

  @Test
  void theLeanJarKeepsEveryOtherEntryByteForByteAndTheManifest() throws IOException {
    Map<String, byte[]> entries = new LinkedHashMap<>();
    entries.put("dev/psyarn/ps/container/WorkerMain.class", bytes("worker main", 300));
    entries.put("org/apache/parquet/hadoop/ParquetReader.class", bytes("parquet", 200));
    entries.put("shaded/parquet/it/unimi/dsi/fastutil/Hash.class", bytes("parquet's fastutil", 50));
    entries.put("linux/amd64/libzstd-jni-1.5.6-6.so", bytes("zstd native", 500));
    entries.put("com/github/luben/zstd/Zstd.class", bytes("zstd", 40));
    entries.put("org/xerial/snappy/native/Linux/x86_64/libsnappyjava.so", bytes("snappy native", 400));
    entries.put("dev/psyarn/shaded/de/bwaldvogel/liblinear/Linear.class", bytes("liblinear", 90));
    entries.put("dev/psyarn/shaded/it/unimi/dsi/fastutil/longs/Long2IntOpenHashMap.class", bytes("fastutil", 120));
    entries.put("net/jpountz/util/linux/amd64/liblz4-java.so", bytes("lz4 native, kept: the data plane's", 80));
    entries.put("META-INF/services/dev.psyarn.ps.api.Application", bytes("dev.psyarn.ps.apps.CounterApp\n", 1));
    Path full = dir.resolve("psyarn.jar");
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, "dev.psyarn.cli.Psyarn");
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(full), manifest)) {
      boolean stored = false;
      for (Map.Entry<String, byte[]> e : entries.entrySet()) {
        JarEntry entry = new JarEntry(e.getKey());
        if (stored) { // both methods: raw copies must keep each as it was
          entry.setMethod(ZipEntry.STORED);
          entry.setSize(e.getValue().length);
          java.util.zip.CRC32 crc = new java.util.zip.CRC32();
          crc.update(e.getValue());
          entry.setCrc(crc.getValue());
        }
        stored = !stored;
        out.putNextEntry(entry);
        out.write(e.getValue());
        out.closeEntry();
      }
    }
    Path lean = dir.resolve("lean.jar");
    int skipped;
    try (OutputStream out = Files.newOutputStream(lean)) {
      skipped = ContainerJar.write(full.toFile(), out);
    }
    assertEquals(6, skipped);
    try (JarFile jar = new JarFile(lean.toFile())) {
      assertEquals("dev.psyarn.cli.Psyarn", jar.getManifest().getMainAttributes().getValue(Attributes.Name.MAIN_CLASS));
      List<String> names = jar.stream().map(JarEntry::getName).toList();
      assertEquals(List.of("META-INF/MANIFEST.MF", "dev/psyarn/ps/container/WorkerMain.class",
          "dev/psyarn/shaded/it/unimi/dsi/fastutil/longs/Long2IntOpenHashMap.class",
          "net/jpountz/util/linux/amd64/liblz4-java.so", "META-INF/services/dev.psyarn.ps.api.Application"), names);
      for (String name : names.subList(1, names.size())) {
        assertArrayEquals(entries.get(name), jar.getInputStream(jar.getEntry(name)).readAllBytes(), name);
      }
    }
  }

  @Test
  void aFileThatIsNotAJarIsAnErrorNotAnEmptyJar() throws IOException {
    Path notAJar = dir.resolve("psyarn.jar");
    Files.writeString(notAJar, "not a zip");
    org.junit.jupiter.api.Assertions.assertThrows(IOException.class,
        () -> ContainerJar.write(notAJar.toFile(), new ByteArrayOutputStream()));
  }

  private static byte[] bytes(String text, int times) {
    return text.repeat(times).getBytes(StandardCharsets.UTF_8);
  }
}
