package dev.psyarn.am;

import dev.psyarn.ps.container.PsContainerEnv;
import dev.psyarn.runtime.JvmCommand;
import dev.psyarn.runtime.LaunchSpec;
import dev.psyarn.runtime.LocalizedFiles;
import dev.psyarn.spec.JobSpec;
import dev.psyarn.spec.Role;
import dev.psyarn.spec.RoleSpec;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.security.Credentials;
import org.apache.hadoop.yarn.api.ApplicationConstants.Environment;
import org.apache.hadoop.yarn.api.records.ApplicationAccessType;
import org.apache.hadoop.yarn.api.records.LocalResource;
import org.apache.hadoop.yarn.security.AMRMTokenIdentifier;

/**
 * Builds the launch context of each server and worker container: the staged jar and
 * configuration, the classpath, {@code JAVA_HOME}, the role's wiring, and the AM's credentials
 * without its AMRM token (the secret travels there).
 */
final class LaunchContexts {

  private final JobSpec spec;
  private final String appJson;
  private final LaunchSpec base;
  private final Map<Role, Map<String, LocalResource>> volumes;
  private final String amHost;
  private final int amPort;
  /** Where AM attempts write their endpoint ("" when the job has one attempt). */
  private final String amEndpoint;
  private final int amPatienceSeconds;
  /** What servers are told about checkpoints and warm starts. */
  private final dev.psyarn.ps.container.ServerStateEnv serverState;

  /** Whether and how the containers' JVMs start with the node's class data sharing archive. */
  private final ClassSharing sharing;
  private final String classpath;
  /** The classpath of roles that run only psyarn's lean jar ({@link #classpath(Role)}). */
  private final String leanClasspath;

  private LaunchContexts(JobSpec spec, String appJson, LaunchSpec base, Map<Role, Map<String, LocalResource>> volumes,
      String amHost, int amPort, String amEndpoint, int amPatienceSeconds,
      dev.psyarn.ps.container.ServerStateEnv serverState, ClassSharing sharing, String classpath,
      String leanClasspath) {
    this.sharing = sharing;
    this.classpath = classpath;
    this.leanClasspath = leanClasspath;
    this.serverState = serverState;
    this.amEndpoint = amEndpoint;
    this.amPatienceSeconds = amPatienceSeconds;
    this.spec = spec;
    this.appJson = appJson;
    this.volumes = volumes;
    this.base = base;
    this.amHost = amHost;
    this.amPort = amPort;
  }

  static LaunchContexts create(Configuration conf, FileSystem fs, AmEnv amEnv, JobSpec spec,
      Credentials amCredentials, Map<ApplicationAccessType, String> acls, String amHost, int amPort)
      throws IOException {
    return create(conf, fs, amEnv, spec, amCredentials, acls, amHost, amPort,
        spec.preprocesses() ? spec.preprocessOutput(amEnv.stagingDir()) : null);
  }

  /** As above, with preprocessing's output where the AM put it ({@code preprocessOutput}; null: none). */
  static LaunchContexts create(Configuration conf, FileSystem fs, AmEnv amEnv, JobSpec spec,
      Credentials amCredentials, Map<ApplicationAccessType, String> acls, String amHost, int amPort,
      String preprocessOutput) throws IOException {
    Path staging = new Path(amEnv.stagingDir());
    Map<String, LocalResource> resources = new HashMap<>();
    resources.put(dev.psyarn.runtime.ContainerClasspath.CONF_DIR,
        LocalizedFiles.archive(fs, new Path(staging, AmEnv.CONF_ARCHIVE)));
    // The app's own jars, staged by the client: every container finds the app's classes there.
    for (int i = 0; i < spec.appJars().size(); i++) {
      resources.put(AmEnv.appJarLink(i), LocalizedFiles.file(fs, new Path(staging, AmEnv.appJarFile(i))));
    }
    Map<String, String> env = new HashMap<>();
    if (!spec.appJars().isEmpty()) {
      env.put(dev.psyarn.ps.api.Applications.JARS_ENV, AmEnv.appJarLinks(spec.appJars().size()));
    }
    ClassSharing sharing = ClassSharing.of(conf, new Path(amEnv.jarLocation()), amEnv.jarsKept());
    sharing.addTo(fs, resources, env);
    String classpath = sharing.classpath(amEnv.hadoopClasspath(), false);
    env.put(Environment.CLASSPATH.name(), classpath);
    String leanClasspath = sharing.classpath(leanHadoopClasspath(conf, amEnv.hadoopClasspath()), false);
    env.put(Environment.JAVA_HOME.name(), JvmCommand.localJavaHome());
    JvmCommand placeholder = new JvmCommand("unset", 64, List.of(), List.of());
    LaunchSpec base = new LaunchSpec(resources, env, placeholder, containerTokens(amCredentials), acls);
    Map<Role, Map<String, LocalResource>> volumes = new java.util.EnumMap<>(Role.class);
    for (Role role : Role.values()) {
      Map<String, LocalResource> files = new HashMap<>();
      String jar = jarName(spec, role);
      files.put(AmEnv.JAR, LocalizedFiles.file(fs, new Path(amEnv.jarLocation(), jar), amEnv.jarsKept()
          ? org.apache.hadoop.yarn.api.records.LocalResourceVisibility.PRIVATE
          : org.apache.hadoop.yarn.api.records.LocalResourceVisibility.APPLICATION));
      for (dev.psyarn.runtime.Volume v : spec.role(role).volumes()) {
        files.put(v.name(), v.toResource(fs));
      }
      volumes.put(role, files);
    }
    String endpoint = spec.maxAppAttempts() > 1 ? fs.makeQualified(new Path(staging, AmEnv.ENDPOINT)).toString() : "";
    dev.psyarn.spec.ServerState state = spec.serverState();
    String checkpoints = state.checkpoints()
        ? qualified(fs, state.checkpointRoot(amEnv.stagingDir())) : "";
    // Checkpoints by time: servers cut at the clocks the AM asks for.
    int everyClocks = state.everySeconds() > 0 ? dev.psyarn.ps.store.ServerStore.CUT_ON_REQUEST : state.everyClocks();
    dev.psyarn.ps.container.ServerStateEnv serverState = new dev.psyarn.ps.container.ServerStateEnv(checkpoints,
        everyClocks, state.keep(), state.resumeFrom() == null ? "" : state.resumeFrom(),
        spec.partitioning().type(), spec.partitioning().virtualNodes(), state.replication(),
        spec.app().initialModel().map(m -> m.table() + ":" + qualified(fs, m.path())).orElse(""));
    return new LaunchContexts(spec, appJson(spec, preprocessOutput), base, volumes, amHost, amPort, endpoint,
        conf.getInt(dev.psyarn.PsyarnConfig.CONTAINER_AM_PATIENCE_SECONDS,
            dev.psyarn.PsyarnConfig.CONTAINER_AM_PATIENCE_SECONDS_DEFAULT), serverState, sharing, classpath,
        leanClasspath);
  }

  /**
   * Hadoop's jars for roles that run only psyarn's lean jar: of an explicit Hadoop classpath (local
   * mode, tests), only those their code runs on ({@link dev.psyarn.runtime.RoleClasspath}); a
   * cluster's {@code yarn.application.classpath} (empty {@code hadoopClasspath}) as it is.
   */
  static String leanHadoopClasspath(Configuration conf, String hadoopClasspath) {
    if (hadoopClasspath == null || hadoopClasspath.isBlank()
        || !conf.getBoolean(dev.psyarn.PsyarnConfig.CONTAINER_LEAN_CLASSPATH, true)) {
      return hadoopClasspath;
    }
    String lean = dev.psyarn.runtime.RoleClasspath.lean(hadoopClasspath, java.io.File.pathSeparator,
        dev.psyarn.runtime.RoleClasspath.listed());
    if (!lean.equals(hadoopClasspath)) {
      org.slf4j.LoggerFactory.getLogger(LaunchContexts.class).info(
          "servers and workers that run psyarn's lean jar get {} of the {} jars of Hadoop's classpath",
          dev.psyarn.runtime.RoleClasspath.jars(lean, java.io.File.pathSeparator),
          dev.psyarn.runtime.RoleClasspath.jars(hadoopClasspath, java.io.File.pathSeparator));
    }
    return lean;
  }

  /**
   * The classpath of a role's containers: the lean one for roles that run psyarn's lean jar, natively,
   * without an app's own jars (those may use any of Hadoop's); the whole one for the others.
   */
  private String classpath(Role role) {
    boolean lean = AmEnv.CONTAINER_JAR.equals(jarName(role)) && spec.appJars().isEmpty()
        && spec.role(role).runtime() instanceof dev.psyarn.runtime.RuntimeSpec.Native;
    return lean ? leanClasspath : classpath;
  }

  /**
   * A path as every container reads it the same: one with a scheme as it is (a model on another
   * file system than the cluster's default), one without qualified against the default.
   */
  static String qualified(FileSystem fs, String path) {
    Path p = new Path(path);
    return p.toUri().getScheme() != null ? p.toString() : fs.makeQualified(p).toString();
  }

  /**
   * The app section the containers get: with preprocessing, for an app that reads examples
   * ({@link dev.psyarn.ps.api.Application#needsData}), {@code shards} names its shards.
   */
  static String appJson(JobSpec spec, String preprocessOutput) throws IOException {
    if (!spec.preprocesses() || !spec.app().needsData()) {
      return spec.appJson();
    }
    com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
    com.fasterxml.jackson.databind.node.ObjectNode app =
        (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(spec.appJson());
    app.put("shards", new Path(preprocessOutput, dev.psyarn.mapreduce.jobs.Preprocess.SHARDS).toString());
    return json.writeValueAsString(app);
  }

  /** The AM's credentials after a renewal ({@link TokenRefresher}), for containers launched from now on; null: the first. */
  private volatile ByteBuffer renewedTokens;

  /**
   * Containers launched from now on get {@code amCredentials} (renewed delegation tokens): a
   * replacement started after the first tokens expired localizes its files and reads the job's
   * data with tokens that still hold.
   */
  void renewedTokens(Credentials amCredentials) throws IOException {
    renewedTokens = containerTokens(amCredentials);
  }

  /** The servers' layout for the containers launched next: {numServers, joiningFrom, joiningServers, change}. */
  private volatile int[] serverLayout;

  /** See {@link Launcher#serverLayout}. */
  void serverLayout(int numServers, int joiningFrom, int joiningServers, int change) {
    serverLayout = new int[] {numServers, joiningFrom, joiningServers, change};
  }

  /** The jar a role runs: servers, and workers that read only shards, the lean one (no Parquet, no liblinear). */
  private String jarName(Role role) {
    return jarName(spec, role);
  }

  private static String jarName(JobSpec spec, Role role) {
    return role == Role.WORKER && spec.app().readsInputFiles() ? AmEnv.JAR : AmEnv.CONTAINER_JAR;
  }

  /** The launch spec of one container. */
  LaunchSpec forContainer(Role role, int index, int heartbeatMs) {
    RoleSpec roleSpec = spec.role(role);
    int[] layout = serverLayout;
    boolean joins = role == Role.SERVER && layout != null && layout[1] >= 0 && index >= layout[1];
    int numServers = layout == null ? spec.role(Role.SERVER).instances() : joins ? layout[2] : layout[0];
    PsContainerEnv wiring = new PsContainerEnv(role.specName(), index, amHost, amPort,
        numServers, spec.role(Role.WORKER).instances(), appJson, heartbeatMs, amEndpoint,
        amPatienceSeconds);
    Map<String, String> env = new HashMap<>(roleSpec.environment());
    env.putAll(roleSpec.runtime().environment());
    if (roleSpec.runtime().javaHome() != null) {
      env.put(Environment.JAVA_HOME.name(), roleSpec.runtime().javaHome());
    }
    env.putAll(wiring.toMap());
    if (role == Role.SERVER) {
      env.putAll(serverState.toMap());
      if (joins) {
        env.put(dev.psyarn.ps.container.ServerStateEnv.JOINS, Integer.toString(layout[3]));
      }
    }
    List<String> jvmOptions = new java.util.ArrayList<>();
    jvmOptions.add(dev.psyarn.ps.container.JvmLogging.OPTION);
    jvmOptions.addAll(roleSpec.containerJvmOptions());
    LaunchSpec withTokens = renewedTokens == null ? base : base.withTokens(renewedTokens);
    JvmCommand command = new JvmCommand(role.mainClass(), roleSpec.resources().heapMb(), jvmOptions, List.of());
    String roleClasspath = classpath(role);
    env.put(Environment.CLASSPATH.name(), roleClasspath);
    if (roleSpec.runtime() instanceof dev.psyarn.runtime.RuntimeSpec.Native) {
      command = sharing.command(command, jarName(role), JvmCommand.localJavaHome(), roleClasspath, spec.app().name());
    }
    return withTokens.withEnvironment(env).withResources(volumes.get(role)).withCommand(command);
  }

  private static ByteBuffer containerTokens(Credentials amCredentials) throws IOException {
    Credentials copy = new Credentials(amCredentials);
    copy.getAllTokens().removeIf(token -> AMRMTokenIdentifier.KIND_NAME.equals(token.getKind()));
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      copy.writeTokenStorageToStream(out);
    }
    return ByteBuffer.wrap(bytes.toByteArray());
  }
}
