package dev.psyarn.runtime;

import dev.psyarn.specs.SpecNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * How a role's process runs on a NodeManager: as a plain process ({@code native}), in a Docker
 * container or in a runc container, through YARN's {@code LinuxContainerExecutor} runtimes. This
 * class is the only place that knows the {@code YARN_CONTAINER_RUNTIME_*} names of that contract.
 */
public sealed interface RuntimeSpec permits RuntimeSpec.Native, RuntimeSpec.Docker, RuntimeSpec.Runc {

  /** native, docker or runc. */
  String type();

  /** The launch environment that selects and configures the runtime. */
  Map<String, String> environment();

  /** The JDK inside the container (null: the submitting client's, as for native containers). */
  default String javaHome() {
    return null;
  }

  /** A bind mount: source on the node, target in the container, ro or rw. */
  record Mount(String source, String target, String mode) {
    @Override
    public String toString() {
      return source + ":" + target + ":" + mode;
    }
  }

  /** A plain process on the node (YARN's default runtime). */
  record Native() implements RuntimeSpec {
    @Override
    public String type() {
      return "native";
    }

    @Override
    public Map<String, String> environment() {
      return Map.of();
    }
  }

  /**
   * A Docker container (YARN's {@code DockerLinuxContainerRuntime}).
   *
   * @param image the image, {@code name[:tag]} or {@code name@sha256:digest}, built or pulled on the nodes
   * @param network the container network (host, bridge, none, or one the cluster allows)
   * @param hostname the container's host name, or null
   * @param ports port mappings ({@code host:container}, {@code :container}), for bridge networks
   * @param mounts bind mounts
   * @param tmpfs tmpfs mount points
   * @param env extra environment inside the container
   * @param privileged whether the container runs privileged (the cluster must allow it)
   * @param delayedRemoval keep the container after it exits, for debugging (the cluster must allow it)
   * @param clientConfig a Docker client config.json on the cluster file system whose registry
   *     credentials YARN hands to the NodeManagers, or null
   * @param javaHome the JDK inside the image
   */
  record Docker(String image, String network, String hostname, List<String> ports, List<Mount> mounts,
      List<String> tmpfs, Map<String, String> env, boolean privileged, boolean delayedRemoval, String clientConfig,
      String javaHome) implements RuntimeSpec {

    public Docker {
      ports = List.copyOf(ports);
      mounts = List.copyOf(mounts);
      tmpfs = List.copyOf(tmpfs);
      env = Map.copyOf(env);
    }

    @Override
    public String type() {
      return "docker";
    }

    @Override
    public Map<String, String> environment() {
      Map<String, String> out = new LinkedHashMap<>(env);
      out.put("YARN_CONTAINER_RUNTIME_TYPE", "docker");
      out.put("YARN_CONTAINER_RUNTIME_DOCKER_IMAGE", image);
      out.put("YARN_CONTAINER_RUNTIME_DOCKER_CONTAINER_NETWORK", network);
      if (hostname != null) {
        out.put("YARN_CONTAINER_RUNTIME_DOCKER_CONTAINER_HOSTNAME", hostname);
      }
      if (!ports.isEmpty()) {
        out.put("YARN_CONTAINER_RUNTIME_DOCKER_PORTS_MAPPING", String.join(",", ports));
      }
      if (!mounts.isEmpty()) {
        out.put("YARN_CONTAINER_RUNTIME_DOCKER_MOUNTS", String.join(",", mounts.stream().map(Mount::toString).toList()));
      }
      if (!tmpfs.isEmpty()) {
        out.put("YARN_CONTAINER_RUNTIME_DOCKER_TMPFS_MOUNTS", String.join(",", tmpfs));
      }
      if (privileged) {
        out.put("YARN_CONTAINER_RUNTIME_DOCKER_RUN_PRIVILEGED_CONTAINER", "true");
      }
      if (delayedRemoval) {
        out.put("YARN_CONTAINER_RUNTIME_DOCKER_DELAYED_REMOVAL", "true");
      }
      if (clientConfig != null) {
        out.put("YARN_CONTAINER_RUNTIME_DOCKER_CLIENT_CONFIG", clientConfig);
      }
      return out;
    }
  }

  /** A runc container from an image YARN's runc plugins resolve (YARN's {@code RuncContainerRuntime}). */
  record Runc(String image, String hostname, List<Mount> mounts, String javaHome) implements RuntimeSpec {
    public Runc {
      mounts = List.copyOf(mounts);
    }

    @Override
    public String type() {
      return "runc";
    }

    @Override
    public Map<String, String> environment() {
      Map<String, String> out = new LinkedHashMap<>();
      out.put("YARN_CONTAINER_RUNTIME_TYPE", "runc");
      out.put("YARN_CONTAINER_RUNTIME_RUNC_IMAGE", image);
      if (hostname != null) {
        out.put("YARN_CONTAINER_RUNTIME_RUNC_CONTAINER_HOSTNAME", hostname);
      }
      if (!mounts.isEmpty()) {
        out.put("YARN_CONTAINER_RUNTIME_RUNC_MOUNTS", String.join(",", mounts.stream().map(Mount::toString).toList()));
      }
      return out;
    }
  }

  RuntimeSpec NATIVE = new Native();

  /** YARN's own image pattern (DockerLinuxContainerRuntime), with an optional digest. */
  Pattern IMAGE = Pattern.compile("^(([a-zA-Z0-9.-]+)(:\\d+)?/)?([a-z0-9_./-]+)(:[\\w.-]+)?(@sha256:[a-f0-9]{64})?$");
  /** YARN's host name pattern. */
  Pattern HOSTNAME = Pattern.compile("^[a-zA-Z0-9][a-zA-Z0-9_.-]+$");
  /** YARN's port mapping pattern. */
  Pattern PORTS = Pattern.compile("^:[0-9]+|^[0-9]+:[0-9]+|^(([0-9]|[1-9][0-9]|1[0-9]{2}|2[0-4][0-9]|25[0-5])\\.){3}"
      + "([0-9]|[1-9][0-9]|1[0-9]{2}|2[0-4][0-9]|25[0-5]):[0-9]+:[0-9]+$");
  /** Paths no role may mount from the node, nor any directory above them. */
  List<String> FORBIDDEN_MOUNTS = List.of("/", "/etc", "/proc", "/sys", "/dev", "/boot", "/root", "/var/run/docker.sock",
      "/run/docker.sock", "/var/lib/docker");
  String DEFAULT_JAVA_HOME = "/usr/lib/jvm/java-17-openjdk-amd64";

  /**
   * Reads a role's {@code runtime}: absent or {@code native}, or a mapping with {@code type:
   * docker} or {@code runc}. Errors name the field.
   */
  static RuntimeSpec read(SpecNode role) {
    if (!role.has("runtime")) {
      return NATIVE;
    }
    if (!role.isObject("runtime")) {
      String type = role.text("runtime");
      if (type.equals("native")) {
        return NATIVE;
      }
      throw role.error("runtime", type.equals("docker") || type.equals("runc")
          ? "a " + type + " runtime needs its image: runtime: {type: " + type + ", image: ...}"
          : "unknown runtime \"" + type + "\"; known: native, docker, runc");
    }
    SpecNode r = role.object("runtime");
    String type = r.textOr("type", "native");
    switch (type) {
      case "native" -> {
        r.allowOnly("type");
        return NATIVE;
      }
      case "docker" -> {
        r.allowOnly("type", "image", "network", "hostname", "ports", "mounts", "tmpfs", "env", "privileged",
            "delayedRemoval", "clientConfig", "javaHome");
        String image = image(r);
        String network = r.textOr("network", "host");
        if (!network.matches("[a-zA-Z0-9][a-zA-Z0-9_.-]*")) {
          throw r.error("network", "\"" + network + "\" is not a network name");
        }
        String hostname = r.has("hostname") ? r.text("hostname") : null;
        if (hostname != null && (!HOSTNAME.matcher(hostname).matches() || hostname.length() > 64)) {
          throw r.error("hostname", "\"" + hostname + "\" is not a valid host name (letters, digits, _ . -; at most 64)");
        }
        List<String> ports = r.stringList("ports");
        for (int i = 0; i < ports.size(); i++) {
          if (!PORTS.matcher(ports.get(i)).matches()) {
            throw r.error("ports[" + i + "]", "\"" + ports.get(i) + "\" is not a port mapping: host:container, "
                + ":container or ip:host:container");
          }
        }
        if (!ports.isEmpty() && network.equals("host")) {
          throw r.error("ports", "port mappings need a bridge network; with network host the container uses the "
              + "node's ports directly");
        }
        List<String> tmpfs = r.stringList("tmpfs");
        for (int i = 0; i < tmpfs.size(); i++) {
          if (!tmpfs.get(i).matches("^/[^:\\x00,]+$")) {
            throw r.error("tmpfs[" + i + "]", "\"" + tmpfs.get(i) + "\" is not an absolute path");
          }
        }
        Map<String, String> env = r.stringMap("env");
        for (String key : env.keySet()) {
          if (!key.matches("[A-Za-z_][A-Za-z0-9_]*") || key.startsWith("YARN_CONTAINER_RUNTIME_")
              || key.startsWith("PSYARN_")) {
            throw r.error("env." + key, "not a name the container's environment can take (YARN_CONTAINER_RUNTIME_* "
                + "and PSYARN_* are set by psyarn)");
          }
        }
        String clientConfig = r.has("clientConfig") ? r.text("clientConfig") : null;
        return new Docker(image, network, hostname, ports, mounts(r), tmpfs, env, r.bool("privileged", false),
            r.bool("delayedRemoval", false), clientConfig, r.textOr("javaHome", DEFAULT_JAVA_HOME));
      }
      case "runc" -> {
        r.allowOnly("type", "image", "hostname", "mounts", "javaHome");
        String hostname = r.has("hostname") ? r.text("hostname") : null;
        if (hostname != null && !HOSTNAME.matcher(hostname).matches()) {
          throw r.error("hostname", "\"" + hostname + "\" is not a valid host name");
        }
        return new Runc(image(r), hostname, mounts(r), r.textOr("javaHome", DEFAULT_JAVA_HOME));
      }
      default -> throw r.error("type", "unknown runtime \"" + type + "\"; known: native, docker, runc");
    }
  }

  private static String image(SpecNode r) {
    String image = r.text("image");
    if (!IMAGE.matcher(image).matches()) {
      throw r.error("image", "\"" + image + "\" is not a valid image name: [registry[:port]/]name[:tag][@sha256:digest],"
          + " the name in lowercase");
    }
    return image;
  }

  /** Mounts as {@code source:target[:ro|rw]} strings, or mappings {source, target, readOnly}. */
  private static List<Mount> mounts(SpecNode r) {
    List<Mount> out = new ArrayList<>();
    if (!r.has("mounts")) {
      return out;
    }
    List<String> given = r.stringList("mounts");
    for (int i = 0; i < given.size(); i++) {
      String field = "mounts[" + i + "]";
      String[] parts = given.get(i).split(":");
      if (parts.length < 2 || parts.length > 3) {
        throw r.error(field, "\"" + given.get(i) + "\" is not source:target[:ro|rw]");
      }
      String mode = parts.length == 3 ? parts[2] : "ro";
      if (!mode.equals("ro") && !mode.equals("rw")) {
        throw r.error(field, "mode \"" + mode + "\" must be ro (read-only) or rw (read-write)");
      }
      for (String path : new String[] {parts[0], parts[1]}) {
        if (!path.startsWith("/") || path.contains("..") || path.contains(",") || path.contains("\u0000")) {
          throw r.error(field, "\"" + path + "\" must be an absolute path without .. or commas");
        }
      }
      String source = parts[0].length() > 1 && parts[0].endsWith("/") ? parts[0].substring(0, parts[0].length() - 1)
          : parts[0];
      for (String forbidden : FORBIDDEN_MOUNTS) {
        if (forbidden.equals(source) || forbidden.startsWith(source.equals("/") ? "/" : source + "/")) {
          throw r.error(field, "mounting " + source + " from the node is not allowed (it exposes " + forbidden + ")");
        }
      }
      for (String system : List.of("/proc/", "/sys/", "/dev/", "/boot/", "/root/", "/var/lib/docker/")) {
        if (source.startsWith(system)) {
          throw r.error(field, "mounting " + source + " from the node is not allowed (nothing under " + system + ")");
        }
      }
      out.add(new Mount(source, parts[1], mode));
    }
    return out;
  }
}
