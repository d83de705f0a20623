package dev.psyarn.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The docker command file YARN's {@code DockerLinuxContainerRuntime} hands to the native
 * {@code container-executor}, turned into the {@code docker run} command line that binary would
 * run (hadoop-yarn-server-nodemanager's docker-util.c does this in C). Only the foreground form:
 * {@code detach} is dropped, since {@link DockerEngineExecutor} waits for the container itself.
 * A key this class does not know is an error, never silently left out.
 */
final class DockerCommandFile {

  private static final String SECTION = "[docker-command-execution]";
  private static final Set<String> KNOWN = Set.of("docker-command", "name", "image", "user", "net", "hostname",
      "workdir", "mounts", "ports-mapping", "tmpfs", "cap-add", "cap-drop", "launch-command", "detach", "privileged",
      "group-add", "rm", "docker-config", "use-entry-point");

  private DockerCommandFile() {}

  /** The key = value pairs of a command file, in file order. */
  static Map<String, String> read(Path file) throws IOException {
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    if (lines.isEmpty() || !lines.get(0).strip().equals(SECTION)) {
      throw new IOException(file + " is not a docker command file: its first line is not " + SECTION);
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (String line : lines.subList(1, lines.size())) {
      int eq = line.indexOf('=');
      if (eq > 0) {
        out.put(line.substring(0, eq).strip(), line.substring(eq + 1).strip());
      }
    }
    return out;
  }

  /** The {@code docker run} arguments (after the docker binary) that the command file asks for. */
  static List<String> runArguments(Map<String, String> cmd) {
    for (String key : cmd.keySet()) {
      if (!KNOWN.contains(key)) {
        throw new IllegalArgumentException("docker command file key \"" + key + "\" is not translated: " + cmd);
      }
    }
    if (!"run".equals(cmd.get("docker-command"))) {
      throw new IllegalArgumentException("not a docker run command: " + cmd);
    }
    List<String> args = new ArrayList<>();
    if (cmd.containsKey("docker-config")) {
      args.add("--config=" + cmd.get("docker-config"));
    }
    args.add("run");
    option(args, "--name=", cmd.get("name"));
    option(args, "--user=", cmd.get("user"));
    option(args, "--net=", cmd.get("net"));
    option(args, "--hostname=", cmd.get("hostname"));
    option(args, "--workdir=", cmd.get("workdir"));
    for (String mount : list(cmd.get("mounts"))) {
      args.add("-v");
      args.add(mount);
    }
    for (String port : list(cmd.get("ports-mapping"))) {
      args.add("-p");
      args.add(port);
    }
    for (String tmpfs : list(cmd.get("tmpfs"))) {
      args.add("--tmpfs=" + tmpfs);
    }
    for (String cap : list(cmd.get("cap-drop"))) {
      args.add("--cap-drop=" + cap);
    }
    for (String cap : list(cmd.get("cap-add"))) {
      args.add("--cap-add=" + cap);
    }
    for (String group : list(cmd.get("group-add"))) {
      args.add("--group-add=" + group);
    }
    if ("true".equals(cmd.get("privileged"))) {
      args.add("--privileged");
    }
    if ("true".equals(cmd.get("rm"))) {
      args.add("--rm");
    }
    args.add(require(cmd, "image"));
    if (!"true".equals(cmd.get("use-entry-point"))) {
      args.addAll(list(require(cmd, "launch-command")));
    }
    return args;
  }

  private static String require(Map<String, String> cmd, String key) {
    String value = cmd.get(key);
    if (value == null || value.isEmpty()) {
      throw new IllegalArgumentException("docker command file has no " + key + ": " + cmd);
    }
    return value;
  }

  private static void option(List<String> args, String flag, String value) {
    if (value != null && !value.isEmpty()) {
      args.add(flag + value);
    }
  }

  private static List<String> list(String value) {
    return value == null || value.isEmpty() ? List.of() : List.of(value.split(","));
  }
}
