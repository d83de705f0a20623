package dev.psyarn.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.yarn.conf.YarnConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launch script run for real: bash, this JDK's java and a jar holding {@link LaunchProbe}, in
 * directories laid out as containers' are. The first container records its classes, the second
 * makes the archive and starts with it, the third starts with it; the JVM's exit status is the
 * container's throughout.
 */
class ClassDataSharingTest {

  /** A key as {@link ClassDataSharing#key} makes them: main class, kind, build. */
  private static final String KEY = "LaunchProbe-aaaa-bbbb";

  @TempDir
  Path temp;

  @Test
  void aKeyNamesTheMainClassItsKindAndItsBuild() {
    String key = ClassDataSharing.key("dev.psyarn.ps.ServerMain", "counter", "/jdk", "a.jar", "abc/psyarn.jar");
    assertTrue(key.matches("ServerMain-[0-9a-f]{12}-[0-9a-f]{12}"), key);
    assertEquals(key, ClassDataSharing.key("dev.psyarn.ps.ServerMain", "counter", "/jdk", "a.jar", "abc/psyarn.jar"));
    String kind = key.substring(0, key.lastIndexOf('-'));
    String otherBuild = ClassDataSharing.key("dev.psyarn.ps.ServerMain", "counter", "/jdk", "a.jar", "abd/psyarn.jar");
    assertTrue(otherBuild.startsWith(kind + "-") && !otherBuild.equals(key), "another build of the same kind: " + otherBuild);
    for (String other : List.of(ClassDataSharing.key("dev.psyarn.ps.ServerMain", "sparse-lr", "/jdk", "a.jar", "abc/psyarn.jar"),
        ClassDataSharing.key("dev.psyarn.ps.ServerMain", "counter", "/jdk2", "a.jar", "abc/psyarn.jar"),
        ClassDataSharing.key("dev.psyarn.ps.ServerMain", "counter", "/jdk", "b.jar", "abc/psyarn.jar"))) {
      assertFalse(other.startsWith(kind + "-"), "another kind: " + other);
    }
    // Parts are separated: moving a character from one to the next is another key.
    assertNotEquals(ClassDataSharing.key("m", "ab", "c", "d", "j"), ClassDataSharing.key("m", "a", "bc", "d", "j"));
  }

  @Test
  void aSharingCommandRunsTheScriptWithItsKeyBeforeJava() {
    JvmCommand plain = new JvmCommand("a.Main", 96, List.of("-Dx=1"), List.of("arg"));
    String cmd = plain.sharing("Main-0123").toShellCommand();
    assertEquals("/bin/bash psyarn-java.sh Main-0123 " + plain.toShellCommand(), cmd);
    assertThrows(IllegalArgumentException.class, () -> plain.sharing("a key; rm -rf /"));
  }

  @Test
  void theSharingClasspathPutsTheJarAndHadoopsJarsBeforeTheWorkingDirectory() {
    Configuration conf = new Configuration(false);
    assertEquals("{{PWD}}/psyarn.jar<CPS>/h/a.jar<CPS>/h/lib/*<CPS>{{PWD}}/psyarn-conf<CPS>{{PWD}}<CPS>{{PWD}}/*<CPS>/h/conf",
        ContainerClasspath.forSharing(conf, "/h/a.jar:/h/conf:/h/lib/*", false, "psyarn.jar"));
    // A cluster's classpath: its configuration directory comes after the container's own files.
    conf.set(YarnConfiguration.YARN_APPLICATION_CLASSPATH, "$HADOOP_CONF_DIR,$HADOOP_COMMON_HOME/share/hadoop/common/*");
    assertEquals("{{PWD}}/psyarn.jar<CPS>$HADOOP_COMMON_HOME/share/hadoop/common/*<CPS>{{PWD}}/psyarn-conf<CPS>{{PWD}}<CPS>{{PWD}}/*"
        + "<CPS>$HADOOP_CONF_DIR", ContainerClasspath.forSharing(conf, null, false, "psyarn.jar"));
    assertEquals("{{PWD}}/psyarn-conf<CPS>{{PWD}}<CPS>{{PWD}}/*<CPS>$HADOOP_CONF_DIR<CPS>$HADOOP_COMMON_HOME/share/hadoop/common/*",
        ContainerClasspath.build(conf, null));
  }

  @Test
  void theFirstContainerRecordsTheSecondMakesTheArchiveAndEveryLaterOneStartsWithIt() throws Exception {
    Path jar = probeJar();
    Path cds = temp.resolve("cds");
    Run first = launch("c1", jar, cds, 0);
    assertEquals(0, first.status, first.output);
    assertTrue(first.output.contains("records the classes it loads"), first.output);
    assertEquals(List.of("probe ran"), first.stdout);
    assertEquals(List.of(".classes"), suffixes(cds), "a list of the classes, no archive yet");

    // Archives of the same kind from other builds: one unused for two hours goes, one in use stays;
    // another kind's stays, however old.
    Path oldBuild = Files.write(cds.resolve("LaunchProbe-aaaa-cccc-1.jsa"), new byte[1]);
    Files.write(cds.resolve("LaunchProbe-aaaa-cccc-1.jar"), new byte[1]);
    Path recentBuild = Files.write(cds.resolve("LaunchProbe-aaaa-dddd-1.jsa"), new byte[1]);
    Path otherKind = Files.write(cds.resolve("LaunchProbe-eeee-cccc-1.jsa"), new byte[1]);
    java.nio.file.attribute.FileTime twoHoursAgo = java.nio.file.attribute.FileTime.from(
        java.time.Instant.now().minus(java.time.Duration.ofHours(2)));
    Files.setLastModifiedTime(oldBuild, twoHoursAgo);
    Files.setLastModifiedTime(otherKind, twoHoursAgo);
    // Pieces a container killed while making an archive left: gone after an hour, not before.
    Path oldPiece = Files.write(cds.resolve("LaunchProbe-aaaa-dddd-1.jsa.4242"), new byte[1]);
    Path oldJarPiece = Files.write(cds.resolve("LaunchProbe-aaaa-dddd-1.jar.4242"), new byte[1]);
    Path recentPiece = Files.write(cds.resolve("LaunchProbe-aaaa-eeee-1.jsa.4243"), new byte[1]);
    Files.setLastModifiedTime(oldPiece, twoHoursAgo);
    Files.setLastModifiedTime(oldJarPiece, twoHoursAgo);
    Run second = launch("c2", jar, cds, 0);
    assertFalse(Files.exists(oldPiece) || Files.exists(oldJarPiece), "an old piece of an archive or a jar went");
    assertTrue(Files.exists(recentPiece), "a piece of under an hour may be another container's, still making it");
    Files.delete(recentPiece);
    assertFalse(Files.exists(oldBuild) || Files.exists(cds.resolve("LaunchProbe-aaaa-cccc-1.jar")), "the old build's went");
    assertTrue(Files.exists(recentBuild) && Files.exists(otherKind), "a build used within the hour and another kind stay");
    Files.delete(recentBuild);
    Files.delete(otherKind);
    assertEquals(0, second.status, second.output);
    assertTrue(second.output.contains("making the class data sharing archive"), second.output);
    assertTrue(second.output.contains("class data sharing from"), second.output);
    assertTrue(second.probeShared(), "the probe's class came from the archive: " + second.classLoads);
    assertEquals(List.of(".jar", ".jsa"), suffixes(cds));

    Run third = launch("c3", jar, cds, 7);
    assertEquals(7, third.status, "the JVM's exit status is the container's");
    assertFalse(third.output.contains("making"), third.output);
    assertTrue(third.probeShared(), third.classLoads);
    assertEquals(List.of("probe ran"), third.stdout);
  }

  @Test
  void aContainerThatFindsTheLockHeldByALiveProcessSaysSoAndStartsPlainly() throws Exception {
    Path jar = probeJar();
    Path cds = temp.resolve("cds");
    Run first = launch("c1", jar, cds, 0);
    assertEquals(0, first.status, first.output);
    String list;
    try (Stream<Path> files = Files.list(cds)) {
      list = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".classes")).findFirst().orElseThrow();
    }
    String archive = list.substring(0, list.length() - ".classes".length()) + ".jsa";
    long holder = ProcessHandle.current().pid(); // a live process: another container still recording
    Path lock = Files.writeString(cds.resolve(archive + ".lock"), holder + "\n");

    Run held = launch("c2", jar, cds, 0);
    assertEquals(0, held.status, held.output);
    assertTrue(held.output.contains("another container here (process " + holder + ") is recording or making "
        + cds.resolve(archive) + "; this one starts without class data sharing"), held.output);
    assertFalse(held.output.contains("making the class data sharing archive"), held.output);
    assertFalse(held.probeShared(), held.classLoads);
    assertEquals(List.of("probe ran"), held.stdout);
    assertEquals(List.of(".classes", ".lock"), suffixes(cds), "the holder's lock and the list left as they were");

    // Its holder gone, the lock is taken over: the next container makes the archive and starts with it.
    Files.writeString(lock, "999999999\n");
    Run after = launch("c3", jar, cds, 0);
    assertTrue(after.output.contains("making the class data sharing archive"), after.output);
    assertTrue(after.probeShared(), after.classLoads);
    assertEquals(List.of(".jar", ".jsa"), suffixes(cds));
  }

  @Test
  void aJvmThatFailsLeavesNoListAndADirectoryNotItsOwnIsNotUsed() throws Exception {
    Path jar = probeJar();
    Path cds = temp.resolve("cds");
    Run failed = launch("c1", jar, cds, 3);
    assertEquals(3, failed.status, failed.output);
    assertEquals(List.of(), suffixes(cds), "a failed JVM's classes are not kept, nor its lock");

    Path elsewhere = Files.createDirectories(temp.resolve("elsewhere"));
    Path link = Files.createSymbolicLink(temp.resolve("link"), elsewhere);
    Run linked = launch("c2", jar, link, 0);
    assertEquals(0, linked.status, linked.output);
    assertEquals(List.of(), suffixes(elsewhere), "nothing is written through a symbolic link");
    assertFalse(linked.output.contains("psyarn:"), linked.output);
  }

  /** One container's launch: its directory, psyarn.jar linked in, CLASSPATH as the AM sets it. */
  private Run launch(String container, Path jar, Path cds, int exitWith) throws Exception {
    Path dir = Files.createDirectories(temp.resolve(container));
    Files.createSymbolicLink(dir.resolve("psyarn.jar"), jar);
    Files.createDirectories(dir.resolve("tmp"));
    Files.write(dir.resolve("core-site.xml"), "<configuration/>".getBytes(StandardCharsets.UTF_8));
    Files.write(dir.resolve(ClassDataSharing.SCRIPT), ClassDataSharing.script());
    Path classLoads = dir.resolve("class-load.log");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new ArrayList<>(List.of("/bin/bash", ClassDataSharing.SCRIPT, KEY, java,
        "-Xlog:class+load=info:file=" + classLoads, "-Xmx64m", LaunchProbe.class.getName(), Integer.toString(exitWith)));
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
    Map<String, String> env = pb.environment();
    env.put("PWD", dir.toString());
    env.put("CLASSPATH", dir + "/psyarn.jar:" + dir + ":" + dir + "/*");
    env.put(ClassDataSharing.DIR_ENV, cds.toString());
    pb.redirectOutput(dir.resolve("stdout").toFile()).redirectError(dir.resolve("stderr").toFile());
    int status = pb.start().waitFor();
    String loads = Files.exists(classLoads) ? Files.readString(classLoads) : "";
    return new Run(status, Files.readString(dir.resolve("stderr")), Files.readAllLines(dir.resolve("stdout")), loads);
  }

  private record Run(int status, String output, List<String> stdout, String classLoads) {
    boolean probeShared() {
      return classLoads.lines().anyMatch(l -> l.contains(LaunchProbe.class.getName() + " source: shared objects file"));
    }
  }

  private static List<String> suffixes(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).map(n -> n.substring(n.lastIndexOf('.'))).sorted().toList();
    }
  }

  /** A jar of the probe and the archiver's main, as psyarn's jar holds them. */
  private Path probeJar() throws IOException {
    Path jar = temp.resolve("filecache").resolve("psyarn.jar");
    Files.createDirectories(jar.getParent());
    try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file)) {
      for (Class<?> c : List.of(LaunchProbe.class, ClassDataSharing.class)) {
        String entry = c.getName().replace('.', '/') + ".class";
        out.putNextEntry(new JarEntry(entry));
        try (InputStream in = c.getClassLoader().getResourceAsStream(entry)) {
          in.transferTo(out);
        }
        out.closeEntry();
      }
    }
    return jar;
  }
}
