package dev.psyarn.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Class data sharing for psyarn's JVMs: a container's JVM maps the classes of psyarn's jar and
 * Hadoop's jars from an archive kept on the node instead of reading, parsing and verifying each of
 * them again (an AM that preprocesses loads about 9,000, a flights worker 5,700, a server 3,300:
 * most of a JVM's start on a busy node).
 *
 * <p>The launch runs {@link #SCRIPT} (localized beside the jar), which starts the JVM with the
 * node's archive for {@link #key} when there is one. Otherwise the first container records the
 * classes its JVM loads, and the next makes the archive before its JVM starts, with this class's
 * {@link #main} in a short JVM of its own ({@code -XX:ArchiveClassesAtExit}). JDK 17's archives hold classes of
 * jars only, and at run time the classpath must start as it did when the archive was made, so the
 * container's {@code CLASSPATH} starts with the jar and Hadoop's jars and has its own directory
 * after them ({@link ContainerClasspath#forSharing}).
 */
public final class ClassDataSharing {

  /** The launch script's name in the container's directory (and in the job's staging directory). */
  public static final String SCRIPT = "psyarn-java.sh";
  /** The directory the script keeps archives in; unset, {@code /tmp/psyarn-cds-<user>}. */
  public static final String DIR_ENV = "PSYARN_CDS_DIR";

  private ClassDataSharing() {}

  /** The launch script's text (a resource of this module). */
  public static byte[] script() throws IOException {
    try (InputStream in = ClassDataSharing.class.getResourceAsStream(SCRIPT)) {
      if (in == null) {
        throw new IOException("the launch script " + SCRIPT + " is missing from psyarn's jar");
      }
      return in.readAllBytes();
    }
  }

  /**
   * The name of the archive of one kind of JVM, {@code <main>-<kind>-<build>}: the kind hashes its
   * main class, what it does ({@code work}), the JDK and Hadoop's classpath; the build is the jar's
   * content (the kept jar's digest and file). An archive of another build of the same kind is
   * removed when a new one is made (the script adds the JDK's build after these).
   */
  public static String key(String mainClass, String work, String javaHome, String classpath, String jar) {
    String simple = mainClass.substring(mainClass.lastIndexOf('.') + 1);
    return simple + "-" + hash(mainClass, work, javaHome, classpath) + "-" + hash(jar);
  }

  private static String hash(String... parts) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      for (String part : parts) {
        sha.update(part.getBytes(StandardCharsets.UTF_8));
        sha.update((byte) 0);
      }
      return HexFormat.of().formatHex(sha.digest(), 0, 6);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Loads every class of a list written by {@code -XX:DumpLoadedClassList}, for the archive the JVM
   * writes as it exits. Classes this classpath does not have (an app's own) are left out. The
   * classes load on a thread a core (up to four; the application class loader is parallel
   * capable): a container waits for this before its JVM starts, and loading 9,000 classes was a
   * third of an AM's archive's making on one thread.
   */
  public static void main(String[] args) throws IOException, InterruptedException {
    List<String> names = new ArrayList<>();
    for (String line : Files.readAllLines(Paths.get(args[0]), StandardCharsets.UTF_8)) {
      if (line.isEmpty() || line.charAt(0) == '#' || line.charAt(0) == '@') {
        continue;
      }
      int space = line.indexOf(' ');
      names.add((space < 0 ? line : line.substring(0, space)).replace('/', '.'));
    }
    ClassLoader loader = ClassLoader.getSystemClassLoader();
    AtomicInteger next = new AtomicInteger();
    AtomicInteger loaded = new AtomicInteger();
    Runnable load = () -> {
      for (int i = next.getAndIncrement(); i < names.size(); i = next.getAndIncrement()) {
        try {
          Class.forName(names.get(i), false, loader);
          loaded.incrementAndGet();
        } catch (ClassNotFoundException | LinkageError e) {
          // not on the jars' classpath: counted below
        }
      }
    };
    int threads = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
    List<Thread> loaders = new ArrayList<>();
    for (int t = 1; t < threads; t++) {
      Thread thread = new Thread(load, "psyarn-cds-load-" + t);
      thread.start();
      loaders.add(thread);
    }
    load.run();
    for (Thread thread : loaders) {
      thread.join();
    }
    System.out.println("psyarn: archiving " + loaded.get() + " classes (" + (names.size() - loaded.get())
        + " not on the jars' classpath)");
  }
}
