package dev.psyarn.runtime;

import dev.psyarn.specs.SpecException;
import java.util.Arrays;
import java.util.List;
import org.apache.hadoop.conf.Configuration;

/**
 * What the cluster's NodeManagers allow, from the cluster configuration, checked before
 * submission so that a container YARN would refuse is refused here first, naming the field.
 */
public final class RuntimePolicy {

  static final String EXECUTOR = "yarn.nodemanager.container-executor.class";
  static final String ALLOWED_RUNTIMES = "yarn.nodemanager.runtime.linux.allowed-runtimes";
  static final String DOCKER_NETWORKS = "yarn.nodemanager.runtime.linux.docker.allowed-container-networks";
  static final String DOCKER_PRIVILEGED = "yarn.nodemanager.runtime.linux.docker.privileged-containers.allowed";
  static final String DOCKER_DELAYED_REMOVAL = "yarn.nodemanager.runtime.linux.docker.delayed-removal.allowed";
  /** psyarn's own list of node paths roles may mount (prefixes); unset: any path not forbidden. */
  public static final String ALLOWED_MOUNTS = "psyarn.docker.allowed-mounts";

  private RuntimePolicy() {}

  /** Checks a role's runtime against the cluster; {@code field} is the runtime's spec path. */
  public static void check(Configuration conf, RuntimeSpec runtime, String field) {
    if (runtime instanceof RuntimeSpec.Native) {
      return;
    }
    String executor = conf.get(EXECUTOR, "org.apache.hadoop.yarn.server.nodemanager.DefaultContainerExecutor");
    if (!executor.endsWith("LinuxContainerExecutor")) {
      throw new SpecException(field + ".type", "the cluster's NodeManagers run containers with "
          + executor.substring(executor.lastIndexOf('.') + 1) + ", which cannot start " + runtime.type()
          + " containers (YARN needs the LinuxContainerExecutor); use runtime: native here");
    }
    List<String> runtimes = List.of(conf.getTrimmedStrings(ALLOWED_RUNTIMES, "default"));
    if (!runtimes.contains(runtime.type())) {
      throw new SpecException(field + ".type", "the cluster does not allow " + runtime.type() + " containers ("
          + ALLOWED_RUNTIMES + " = " + String.join(",", runtimes) + ")");
    }
    List<RuntimeSpec.Mount> mounts = List.of();
    if (runtime instanceof RuntimeSpec.Docker d) {
      List<String> networks = Arrays.asList(conf.getTrimmedStrings(DOCKER_NETWORKS, "host", "none", "bridge"));
      if (!networks.contains(d.network())) {
        throw new SpecException(field + ".network", "the cluster does not allow the network \"" + d.network()
            + "\"; allowed: " + String.join(", ", networks) + " (" + DOCKER_NETWORKS + ")");
      }
      if (d.privileged() && !conf.getBoolean(DOCKER_PRIVILEGED, false)) {
        throw new SpecException(field + ".privileged", "the cluster does not allow privileged containers ("
            + DOCKER_PRIVILEGED + " is false)");
      }
      if (d.delayedRemoval() && !conf.getBoolean(DOCKER_DELAYED_REMOVAL, false)) {
        throw new SpecException(field + ".delayedRemoval", "the cluster does not keep exited containers ("
            + DOCKER_DELAYED_REMOVAL + " is false)");
      }
      mounts = d.mounts();
    } else if (runtime instanceof RuntimeSpec.Runc r) {
      mounts = r.mounts();
    }
    String[] allowed = conf.getTrimmedStrings(ALLOWED_MOUNTS);
    if (allowed.length > 0) {
      for (int i = 0; i < mounts.size(); i++) {
        String source = mounts.get(i).source();
        boolean ok = Arrays.stream(allowed).anyMatch(p -> source.equals(p) || source.startsWith(p.endsWith("/") ? p
            : p + "/"));
        if (!ok) {
          throw new SpecException(field + ".mounts[" + i + "]", "the cluster allows mounts only under "
              + String.join(", ", allowed) + " (" + ALLOWED_MOUNTS + "), not " + source);
        }
      }
    }
  }
}
