package dev.psyarn.spec;

import dev.psyarn.mapreduce.preprocess.PreprocessSpec;
import dev.psyarn.ps.api.ConfiguredApp;
import dev.psyarn.ps.api.PieceLayout;
import dev.psyarn.runtime.JvmProfile;
import dev.psyarn.runtime.ResourceAsk;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * A whole job as the user declared it; immutable and valid once constructed (see
 * {@link JobSpecParser}).
 *
 * @param name the application name YARN shows
 * @param queue the YARN queue
 * @param tags application tags (YARN lowercases them)
 * @param priority the application priority
 * @param maxAppAttempts how many times YARN may start the AM
 * @param am the AM container's resources
 * @param roles every role's settings
 * @param partitioning how keys map onto servers
 * @param appType the name of the app the workers run
 * @param appJson the {@code app} section as JSON, handed to the containers
 * @param appJars the jars {@code app.jars} names (the app's own code), localized into every container
 * @param app the app with its settings, bound from {@code appJson}
 * @param preprocess the MapReduce preprocessing the AM runs first, or null
 * @param amNodeLabel a node label expression for the AM's own container, or null
 * @param maxFailuresPerNode failures of containers on one node after which the AM places no more
 *     containers there (0: never blacklist)
 * @param serverState the servers' checkpoints and warm start
 * @param preprocessJson the {@code preprocess} section as JSON (paths resolved), or null: what a
 *     preprocessing run's output depends on besides its inputs, for reusing it
 * @param tls the spec's {@code security.tls}: both planes in TLS (null: as the cluster's configuration says)
 * @param amJvmProfile how the AM's JVM compiles and collects ({@code am.jvmProfile})
 */
public record JobSpec(String name, String queue, List<String> tags, int priority, int maxAppAttempts,
    ResourceAsk am, Map<Role, RoleSpec> roles, Partitioning partitioning, String appType, String appJson,
    List<String> appJars, ConfiguredApp<?, ?, ?> app, PreprocessSpec preprocess, String amNodeLabel, int maxFailuresPerNode, ServerState serverState,
    String preprocessJson, Boolean tls, JvmProfile amJvmProfile) {

  public JobSpec {
    tags = List.copyOf(tags);
    appJars = List.copyOf(appJars);
    for (Role role : Role.values()) {
      if (!roles.containsKey(role)) {
        throw new IllegalArgumentException("role " + role.specName() + " is missing");
      }
    }
    roles = Map.copyOf(new EnumMap<>(roles));
  }

  /**
   * Whether both planes run in TLS: the spec's {@code security.tls}, or where the spec does not
   * say, the cluster's {@link dev.psyarn.PsyarnConfig#TLS} (default off).
   */
  public boolean tls(org.apache.hadoop.conf.Configuration conf) {
    return tls != null ? tls : conf.getBoolean(dev.psyarn.PsyarnConfig.TLS, false);
  }

  public RoleSpec role(Role role) {
    return roles.get(role);
  }

  /** Whether the AM runs MapReduce preprocessing before it starts any container. */
  public boolean preprocesses() {
    return preprocess != null;
  }

  /**
   * Where preprocessing writes its statistics and shards: the spec's {@code preprocess.output}, or
   * {@code preprocess/} in the application's staging directory.
   */
  public String preprocessOutput(String stagingDir) {
    return preprocess.output() != null ? preprocess.output() : stagingDir + "/preprocess";
  }

  /** How the AM hands the app's work out to the workers it was submitted with ({@link ConfiguredApp#pieces}). */
  public PieceLayout pieces() {
    return app.pieces(role(Role.WORKER).instances());
  }

  /**
   * How many training shards preprocessing writes: one a part when the app hands its work out in
   * pieces (any number of workers can then share them), else one a worker.
   */
  public int trainingShards() {
    PieceLayout layout = pieces();
    return layout.any() ? layout.parts() : role(Role.WORKER).instances();
  }

  /** Containers of all roles together. */
  public int totalContainers() {
    return roles.values().stream().mapToInt(RoleSpec::instances).sum();
  }
}
