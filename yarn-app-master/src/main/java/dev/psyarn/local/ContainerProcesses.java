package dev.psyarn.local;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.OptionalLong;
import java.util.stream.Stream;

/**
 * Finds the JVM of a YARN container among this machine's processes (the java process whose
 * environment names the container), for the benchmarks that kill one on an embedded cluster.
 * Linux only: it reads {@code /proc}.
 */
public final class ContainerProcesses {

  private ContainerProcesses() {}

  public static OptionalLong pidOf(String containerId) throws IOException {
    byte[] wanted = ("CONTAINER_ID=" + containerId + "\0").getBytes(StandardCharsets.UTF_8);
    try (Stream<Path> procs = Files.list(Paths.get("/proc"))) {
      for (Path proc : (Iterable<Path>) procs::iterator) {
        String name = proc.getFileName().toString();
        if (!name.chars().allMatch(Character::isDigit)) {
          continue;
        }
        try {
          String cmd = new String(Files.readAllBytes(proc.resolve("cmdline")), StandardCharsets.UTF_8);
          // The program itself is java: not the launch script (psyarn-java.sh) that started it.
          String program = cmd.substring(0, Math.max(0, cmd.indexOf('\0')));
          if ((program.equals("java") || program.endsWith("/java")) && contains(Files.readAllBytes(proc.resolve("environ")), wanted)) {
            return OptionalLong.of(Long.parseLong(name));
          }
        } catch (IOException gone) {
          // it ended while we looked
        }
      }
    }
    return OptionalLong.empty();
  }

  private static boolean contains(byte[] environ, byte[] entry) {
    outer:
    for (int i = 0; i + entry.length <= environ.length; i++) {
      if (i > 0 && environ[i - 1] != 0) {
        continue;
      }
      for (int j = 0; j < entry.length; j++) {
        if (environ[i + j] != entry[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }
}
