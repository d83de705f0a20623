package dev.psyarn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** What yarn logs writes, unframed: the log files' own lines. */
class ContainerLogsTest {

  @Test
  void theFramingOfYarnLogsIsTakenOffEachFile() {
    String written = "Container: container_1_0001_01_000002 on localhost_1234\n"
        + "LogAggregationType: LOCAL\n=========\nLogType:stderr\nLogLastModifiedTime:Mon\nLogLength:12\n"
        + "LogContents:\nfirst\nsecond\nEnd of LogType:stderr\n*****************\n\n"
        + "LogType:stdout\nLogLength:6\nLogContents:\nthird\nEnd of LogType:stdout\n****\n";
    assertEquals("first\nsecond\nthird\n", ContainerLogs.contents(written));
    assertEquals("plain\n", ContainerLogs.contents("plain\n"), "text without the framing stays as it is");
    assertEquals("a\nb\n", LogsCommand.lastLines("x\ny\na\nb\n", 2));
  }
}
