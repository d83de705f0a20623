package dev.psyarn.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.psyarn.am.AmEnv;
import java.nio.file.Files;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JarCacheTest {

  @TempDir
  java.nio.file.Path dir;

  /**
   * A jar whose bytes depend on {@code content} alone: the entry's time is fixed (left unset, the
   * zip stream stamps the clock's time, at 2 s resolution, so writing the same content twice across
   * a 2 s boundary would make another jar, another digest).
   */
  private java.nio.file.Path jar(String name, String content) throws Exception {
    java.nio.file.Path jar = dir.resolve(name);
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
      JarEntry entry = new JarEntry("dev/psyarn/ps/container/WorkerMain.class");
      entry.setTime(1_600_000_000_000L);
      out.putNextEntry(entry);
      out.write(content.getBytes());
      out.closeEntry();
    }
    return jar;
  }

  @Test
  void theSameJarIsUploadedOnceAndKeepsItsFilesAndTimes() throws Exception {
    FileSystem fs = FileSystem.getLocal(new Configuration());
    JarCache cache = new JarCache(fs, new Path(dir.resolve("home").toUri()));
    java.nio.file.Path jar = jar("psyarn.jar", "one");

    Path first = cache.stage(jar);
    long written = fs.getFileStatus(new Path(first, AmEnv.JAR)).getModificationTime();
    assertTrue(fs.exists(new Path(first, AmEnv.CONTAINER_JAR)), "the lean copy beside it");
    assertEquals(Files.size(jar), fs.getFileStatus(new Path(first, AmEnv.JAR)).getLen());
    assertEquals("rwx------", fs.getFileStatus(cache.root()).getPermission().toString(), "the user's alone");
    Thread.sleep(1100);

    Path again = cache.stage(jar);
    assertEquals(first, again, "the same entry for the same jar");
    assertEquals(written, fs.getFileStatus(new Path(again, AmEnv.JAR)).getModificationTime(),
        "not written again: the NodeManagers' localized copy stays valid");
    assertEquals(1, fs.listStatus(cache.root()).length);
    // An entry an older psyarn wrote, without the class sharing launch script, gets it.
    Path script = new Path(again, dev.psyarn.runtime.ClassDataSharing.SCRIPT);
    fs.delete(script, false);
    cache.stage(jar);
    assertEquals(new String(dev.psyarn.runtime.ClassDataSharing.script(), java.nio.charset.StandardCharsets.UTF_8),
        new String(Files.readAllBytes(java.nio.file.Paths.get(script.toUri())), java.nio.charset.StandardCharsets.UTF_8));

    Path other = cache.stage(jar("psyarn-2.jar", "two"));
    assertNotEquals(first, other, "another jar, another entry");
    try (var files = Files.list(java.nio.file.Paths.get(other.toUri()))) {
      assertEquals(java.util.List.of(AmEnv.CONTAINER_JAR, dev.psyarn.runtime.ClassDataSharing.SCRIPT, AmEnv.JAR), files.map(p -> p.getFileName().toString())
          .filter(n -> !n.startsWith(".")).sorted().toList(), "no partial files left");
    }
  }

  @Test
  void entriesUntouchedForTheMaximumAgeAreRemovedButNeverTheOneInUse() throws Exception {
    FileSystem fs = FileSystem.getLocal(new Configuration());
    JarCache cache = new JarCache(fs, new Path(dir.resolve("home").toUri()));
    Path old = cache.stage(jar("old.jar", "old"));
    Path current = cache.stage(jar("new.jar", "new"));
    long fortyDaysAgo = System.currentTimeMillis() - 40L * 86_400_000L;
    fs.setTimes(old, fortyDaysAgo, -1);
    fs.setTimes(current, fortyDaysAgo, -1);

    assertEquals(1, cache.evict(30, current), "the old entry goes, the one this submission uses stays");
    assertTrue(!fs.exists(old) && fs.exists(current));
    assertEquals(0, cache.evict(0, current), "0: never");
    Path reused = cache.stage(jar("old.jar", "old"));
    assertEquals(old, reused, "the same content, the same entry");
    assertTrue(fs.getFileStatus(current).getModificationTime() < fs.getFileStatus(reused).getModificationTime());
    assertEquals(current, cache.stage(jar("new.jar", "new")), "reused, which touches the entry");
    assertEquals(0, cache.evict(30, reused), "touched by its reuse: kept");
  }
}
