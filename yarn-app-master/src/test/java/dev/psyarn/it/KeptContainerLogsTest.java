package dev.psyarn.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeptContainerLogsTest {

  @Test
  void printsTheTailsOfTheContainerLogsWrittenDuringTheTestOnly(@TempDir Path root) throws Exception {
    Path nm = root.resolve("Cls/yarn/psyarn-local/psyarn-local-logDir-nm-0_0/application_1_0001");
    Path fresh = Files.createDirectories(nm.resolve("container_1_0001_01_000003")).resolve("stderr");
    StringBuilder lines = new StringBuilder();
    for (int i = 1; i <= 100; i++) {
      lines.append("line ").append(i).append('\n');
    }
    Files.writeString(fresh, lines);
    Path old = Files.createDirectories(nm.resolve("container_1_0001_01_000002")).resolve("stderr");
    Files.writeString(old, "from an earlier test\n");
    Files.setLastModifiedTime(old, FileTime.fromMillis(1_000));
    Files.writeString(root.resolve("Cls/yarn/not-a-container.log"), "cluster log\n");

    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int printed = KeptContainerLogs.print(root, 10_000, new PrintStream(bytes, true, StandardCharsets.UTF_8), "T#t");
    String out = bytes.toString(StandardCharsets.UTF_8);

    assertEquals(1, printed);
    assertTrue(out.contains("container_1_0001_01_000003/stderr"), out);
    assertTrue(out.contains("line 100") && out.contains("line 61"), out);
    assertFalse(out.contains("line 60\n"), out);
    assertFalse(out.contains("earlier test") || out.contains("cluster log"), out);
  }
}
