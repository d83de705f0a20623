package dev.psyarn.runtime;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.yarn.api.records.ApplicationAccessType;
import org.apache.hadoop.yarn.api.records.ContainerLaunchContext;
import org.apache.hadoop.yarn.api.records.LocalResource;

/**
 * Everything YARN needs to start one container: files to localize, environment, command, tokens
 * and ACLs. Immutable; {@link #toLaunchContext()} makes a fresh YARN record each time because the
 * record copies its maps when created.
 */
public record LaunchSpec(
    Map<String, LocalResource> localResources,
    Map<String, String> environment,
    JvmCommand command,
    ByteBuffer tokens,
    Map<ApplicationAccessType, String> acls) {

  public LaunchSpec {
    localResources = Map.copyOf(localResources);
    environment = Map.copyOf(environment);
    acls = Map.copyOf(acls);
    tokens = tokens == null ? null : tokens.asReadOnlyBuffer();
  }

  /** A copy with more environment entries; later entries win. */
  public LaunchSpec withEnvironment(Map<String, String> more) {
    Map<String, String> env = new HashMap<>(environment);
    env.putAll(more);
    return new LaunchSpec(localResources, env, command, tokens, acls);
  }

  /** A copy with more files to localize; a name already present keeps its first resource. */
  public LaunchSpec withResources(Map<String, LocalResource> more) {
    Map<String, LocalResource> files = new HashMap<>(more);
    files.putAll(localResources);
    return new LaunchSpec(files, environment, command, tokens, acls);
  }

  /** A copy with other tokens (renewed ones). */
  public LaunchSpec withTokens(ByteBuffer other) {
    return new LaunchSpec(localResources, environment, command, other, acls);
  }

  /** A copy with another command. */
  public LaunchSpec withCommand(JvmCommand other) {
    return new LaunchSpec(localResources, environment, other, tokens, acls);
  }

  /** The YARN launch context. */
  public ContainerLaunchContext toLaunchContext() {
    return ContainerLaunchContext.newInstance(
        new HashMap<>(localResources),
        new HashMap<>(environment),
        List.of(command.toShellCommand()),
        null,
        tokens == null ? null : tokens.duplicate(),
        new HashMap<>(acls));
  }
}
