package dev.psyarn.client;

import dev.psyarn.PsyarnConfig;
import dev.psyarn.am.AmEnv;
import dev.psyarn.am.ApplicationMaster;
import dev.psyarn.ps.transport.AppSecret;
import dev.psyarn.runtime.JvmCommand;
import dev.psyarn.runtime.LaunchSpec;
import dev.psyarn.runtime.LocalizedFiles;
import dev.psyarn.runtime.ResourceAsk;
import dev.psyarn.spec.JobSpec;
import dev.psyarn.spec.Role;
import dev.psyarn.specs.SpecException;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.security.Credentials;
import org.apache.hadoop.security.UserGroupInformation;
import org.apache.hadoop.yarn.api.ApplicationConstants.Environment;
import org.apache.hadoop.yarn.api.records.ApplicationId;
import org.apache.hadoop.yarn.api.records.ApplicationSubmissionContext;
import org.apache.hadoop.yarn.api.records.LocalResource;
import org.apache.hadoop.yarn.api.records.Priority;
import org.apache.hadoop.yarn.api.records.Resource;
import org.apache.hadoop.yarn.client.api.YarnClient;
import org.apache.hadoop.yarn.client.api.YarnClientApplication;
import org.apache.hadoop.yarn.exceptions.YarnException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Submits a job: checks its asks against the cluster, stages the jar, spec and configuration,
 * creates the application secret, and submits the AM with type {@value #APPLICATION_TYPE}. If
 * anything fails, nothing stays staged and nothing is submitted.
 */
public final class JobSubmitter {

  public static final String APPLICATION_TYPE = "PSYARN";
  private static final Logger LOG = LoggerFactory.getLogger(JobSubmitter.class);

  private final Configuration conf;
  private final YarnClient yarn;
  private final FileSystem fs;

  public JobSubmitter(Configuration conf, YarnClient yarn, FileSystem fs) {
    this.conf = conf;
    this.yarn = yarn;
    this.fs = fs;
  }

  /**
   * Submits the job.
   *
   * @param specText the spec's text, staged as the AM reads it
   * @param jar the distribution jar on the local file system
   * @throws SpecException if the spec asks for more than the cluster can give
   */
  public ApplicationId submit(JobSpec spec, String specText, java.nio.file.Path jar)
      throws IOException, YarnException {
    long submitTime = System.currentTimeMillis();
    PsyarnConfig.workersAtProgress(conf, 0); // a bad value is refused here, not in the AM
    checkRuntimesAndVolumes(spec);
    checkPlacement(spec);
    SpecInputs.check(spec, conf);
    java.util.Set<String> types = new java.util.TreeSet<>();
    for (org.apache.hadoop.yarn.api.records.ResourceTypeInfo t : yarn.getResourceTypeInfo()) {
      types.add(t.getName());
    }
    YarnClientApplication app = yarn.createApplication();
    checkFits(spec, app.getNewApplicationResponse().getMaximumResourceCapability(), types);
    ApplicationSubmissionContext context = app.getApplicationSubmissionContext();
    ApplicationId id = context.getApplicationId();
    Path staging = StagingDir.of(conf, fs, id.toString());
    try {
      AppSecret secret = AppSecret.generate();
      if (spec.tls(conf)) {
        try {
          secret = secret.withTls(AppCertificate.generate(id.toString()));
        } catch (java.security.GeneralSecurityException e) {
          throw new IOException("cannot make the application's TLS certificate: " + e.getMessage(), e);
        }
      }
      Path jars = stageJars(staging, jar);
      Map<String, LocalResource> resources = stage(staging, specText, jars, secret, amConf(spec));
      stageAppJars(spec, staging, resources);
      context.setApplicationName(spec.name());
      context.setApplicationType(APPLICATION_TYPE);
      context.setApplicationTags(new HashSet<>(spec.tags()));
      context.setQueue(spec.queue());
      context.setPriority(Priority.newInstance(spec.priority()));
      context.setMaxAppAttempts(spec.maxAppAttempts());
      // A next AM attempt takes over the running containers instead of starting the job again.
      context.setKeepContainersAcrossApplicationAttempts(spec.maxAppAttempts() > 1);
      context.setResource(spec.am().toResource());
      if (spec.amNodeLabel() != null) {
        context.setAMContainerResourceRequests(List.of(org.apache.hadoop.yarn.api.records.ResourceRequest.newInstance(
            Priority.newInstance(0), org.apache.hadoop.yarn.api.records.ResourceRequest.ANY, spec.am().toResource(), 1,
            true, spec.amNodeLabel())));
      }
      context.setAMContainerSpec(amLaunchSpec(spec, staging, jars, resources, submitTime, secret).toLaunchContext());
      yarn.submitApplication(context);
      LOG.info("submitted {} ({}), staged in {}{}", id, spec.name(), staging, secret.tls() != null ? "; both planes in TLS" : "");
      return id;
    } catch (IOException | YarnException | RuntimeException e) {
      fs.delete(staging, true);
      throw e;
    }
  }

  /**
   * Puts psyarn's jars where the AM and containers localize them from: the user's kept jars
   * ({@link JarCache}; nothing uploaded when the same jar was submitted before), or with the cache
   * off, the staging directory. Returns that directory.
   */
  private Path stageJars(Path staging, java.nio.file.Path jar) throws IOException {
    if (conf.getBoolean(PsyarnConfig.JAR_CACHE, true)) {
      String dir = conf.getTrimmed(PsyarnConfig.JAR_CACHE_DIR, "");
      JarCache cache = dir.isEmpty() ? new JarCache(fs, StagingDir.base(conf, fs)) : JarCache.at(new Path(dir), conf);
      Path jars = cache.stage(jar);
      cache.evict(conf.getInt(PsyarnConfig.JAR_CACHE_MAX_AGE_DAYS, 30), jars);
      return jars;
    }
    fs.mkdirs(staging);
    fs.copyFromLocalFile(false, true, new Path(jar.toAbsolutePath().toUri()), new Path(staging, AmEnv.JAR));
    try (OutputStream out = fs.create(new Path(staging, AmEnv.CONTAINER_JAR), true)) {
      ContainerJar.write(jar.toFile(), out);
    }
    return staging;
  }

  /**
   * The configuration the AM gets: the client's, with what it learned of the cluster that the AM's
   * choices depend on (the NodeManagers running, for where a preprocessing stage runs).
   */
  private Configuration amConf(JobSpec spec) throws IOException, YarnException {
    Configuration staged = PsyarnConfig.forStaging(conf);
    if (spec.preprocesses()
        && spec.preprocess().runIn() == dev.psyarn.mapreduce.preprocess.PreprocessSpec.RunIn.AUTO) {
      staged = new Configuration(staged);
      staged.setInt(PsyarnConfig.CLUSTER_NODES_AT_SUBMISSION, yarn.getYarnClusterMetrics().getNumNodeManagers());
    }
    return staged;
  }

  private Map<String, LocalResource> stage(Path staging, String specText, Path jars, AppSecret secret,
      Configuration amConf) throws IOException {
    fs.mkdirs(staging);
    // The secret that commands the AM is the owner's alone.
    Path ownerOnly = StagingDir.ownerOnly(staging);
    fs.mkdirs(ownerOnly, OWNER_ONLY_DIR);
    fs.setPermission(ownerOnly, OWNER_ONLY_DIR);
    Path secretFile = new Path(ownerOnly, AmEnv.SECRET);
    try (OutputStream out = fs.create(secretFile, true)) {
      out.write(secret.bytes());
    }
    fs.setPermission(secretFile, OWNER_ONLY_FILE);
    if (secret.tls() != null) {
      Path certificate = new Path(ownerOnly, AmEnv.TLS_CERTIFICATE);
      try (OutputStream out = fs.create(certificate, true)) {
        out.write(secret.tls().encodedTrust());
      } catch (java.security.cert.CertificateEncodingException e) {
        throw new IOException("cannot encode the application's certificate: " + e.getMessage(), e);
      }
      fs.setPermission(certificate, OWNER_ONLY_FILE);
    }
    try (OutputStream out = fs.create(new Path(staging, AmEnv.CONF_ARCHIVE), true)) {
      out.write(ConfArchive.of(amConf, specText));
    }
    Map<String, LocalResource> resources = new HashMap<>();
    String keytab = conf.getTrimmed(ClientLogin.KEYTAB, "");
    if (UserGroupInformation.isSecurityEnabled() && !keytab.isEmpty()) {
      // The AM alone gets the keytab (owner-only, like the secret), to renew the job's tokens with.
      Path staged = new Path(ownerOnly, AmEnv.KEYTAB);
      fs.copyFromLocalFile(false, true, new Path(new java.io.File(keytab).getAbsoluteFile().toURI()), staged);
      fs.setPermission(staged, OWNER_ONLY_FILE);
      resources.put(AmEnv.KEYTAB, LocalizedFiles.file(fs, staged));
    }
    resources.put(AmEnv.JAR, LocalizedFiles.file(fs, new Path(jars, AmEnv.JAR), !jars.equals(staging)
        ? org.apache.hadoop.yarn.api.records.LocalResourceVisibility.PRIVATE
        : org.apache.hadoop.yarn.api.records.LocalResourceVisibility.APPLICATION));
    resources.put(dev.psyarn.runtime.ContainerClasspath.CONF_DIR,
        LocalizedFiles.archive(fs, new Path(staging, AmEnv.CONF_ARCHIVE)));
    return resources;
  }

  /**
   * Copies the app's jars (app.jars) into the staging directory, for the AM and every container:
   * the job runs the code it was submitted with, even if the jars change or go after submission.
   */
  private void stageAppJars(JobSpec spec, Path staging, Map<String, LocalResource> resources) throws IOException {
    for (int i = 0; i < spec.appJars().size(); i++) {
      Path source = new Path(spec.appJars().get(i));
      Path staged = new Path(staging, AmEnv.appJarFile(i));
      org.apache.hadoop.fs.FileUtil.copy(source.getFileSystem(conf), source, fs, staged, false, true, conf);
      resources.put(AmEnv.appJarLink(i), LocalizedFiles.file(fs, staged));
    }
  }

  private static final org.apache.hadoop.fs.permission.FsPermission OWNER_ONLY_DIR =
      new org.apache.hadoop.fs.permission.FsPermission((short) 0700);
  private static final org.apache.hadoop.fs.permission.FsPermission OWNER_ONLY_FILE =
      new org.apache.hadoop.fs.permission.FsPermission((short) 0600);

  private LaunchSpec amLaunchSpec(JobSpec spec, Path staging, Path jars, Map<String, LocalResource> resources,
      long submitTime, AppSecret secret) throws IOException, YarnException {
    String hadoopClasspath = conf.get(PsyarnConfig.CONTAINER_HADOOP_CLASSPATH, "");
    Map<String, String> env = new HashMap<>(
        new AmEnv(staging.toString(), submitTime, hadoopClasspath, jars.equals(staging) ? null : jars.toString())
            .toMap());
    if (!spec.appJars().isEmpty()) {
      env.put(dev.psyarn.ps.api.Applications.JARS_ENV, AmEnv.appJarLinks(spec.appJars().size()));
    }
    // The AM's classes come from the node's class data sharing archive when there is one.
    dev.psyarn.am.ClassSharing sharing = dev.psyarn.am.ClassSharing.of(conf, jars, !jars.equals(staging));
    Map<String, LocalResource> files = new HashMap<>(resources);
    sharing.addTo(fs, files, env);
    String classpath = sharing.classpath(hadoopClasspath, spec.preprocesses());
    env.put(Environment.CLASSPATH.name(), classpath);
    env.put(Environment.JAVA_HOME.name(), JvmCommand.localJavaHome());
    if (resources.containsKey(AmEnv.KEYTAB)) {
      env.put(dev.psyarn.am.AmEnv.PRINCIPAL_ENV, conf.getTrimmed(ClientLogin.PRINCIPAL));
    }
    JvmCommand command = sharing.command(new JvmCommand(ApplicationMaster.class.getName(), spec.am().heapMb(),
        amJvmOptions(spec, conf), List.of()), AmEnv.JAR, JvmCommand.localJavaHome(), classpath,
        spec.app().name() + (spec.preprocesses() ? "+preprocess" : ""));
    return new LaunchSpec(files, env, command, credentials(spec, staging, secret), PsyarnConfig.applicationAcls(conf));
  }

  /**
   * The AM's JVM options: its logging, then its {@code am.jvmProfile}'s flags and
   * {@code psyarn.am.java-opts}'s, in order (a collector those choose replaces the profile's).
   */
  static List<String> amJvmOptions(JobSpec spec, Configuration conf) {
    List<String> configured = new java.util.ArrayList<>();
    for (String option : conf.getTrimmed(PsyarnConfig.AM_JAVA_OPTS, "").split("\\s+")) {
      if (!option.isEmpty()) {
        configured.add(option);
      }
    }
    List<String> options = new java.util.ArrayList<>(List.of(dev.psyarn.ps.container.JvmLogging.OPTION));
    options.addAll(spec.amJvmProfile().withUserOptions(configured));
    return options;
  }

  /**
   * The application secret, plus, when the cluster uses Kerberos, delegation tokens for every file
   * system the spec names (and the ResourceManager, for preprocessing): {@link JobTokens}.
   */
  private ByteBuffer credentials(JobSpec spec, Path staging, AppSecret secret) throws IOException, YarnException {
    Credentials credentials = new Credentials();
    credentials.addSecretKey(new Text(AppSecret.ALIAS), secret.bytes());
    if (secret.tls() != null) {
      dev.psyarn.ps.container.ContainerSecret.addTls(credentials, secret.tls());
    }
    if (UserGroupInformation.isSecurityEnabled()) {
      JobTokens.obtain(conf, yarn, spec, staging, credentials);
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      credentials.writeTokenStorageToStream(out);
    }
    return ByteBuffer.wrap(bytes.toByteArray());
  }

  /** Refuses asks the cluster can never satisfy, instead of letting them wait forever. */
  static void checkFits(JobSpec spec, Resource max) {
    checkFits(spec, max, java.util.Set.of("memory-mb", "vcores"));
  }

  /** Also refuses resource types the cluster does not declare ({@code types}), and asks above their maximum. */
  static void checkFits(JobSpec spec, Resource max, java.util.Set<String> types) {
    check("am", spec.am(), max);
    for (Role role : Role.values()) {
      String path = "roles." + role.specName();
      check(path, spec.role(role).resources(), max);
      spec.role(role).resources().others().forEach((type, amount) -> {
        if (!types.contains(type)) {
          throw new SpecException(path + ".resources." + type, "the cluster declares no resource type " + type
              + "; it has: " + String.join(", ", types) + " (yarn.resource-types)");
        }
        long most = 0;
        for (org.apache.hadoop.yarn.api.records.ResourceInformation info : max.getResources()) {
          if (info.getName().equals(type)) {
            most = info.getValue();
          }
        }
        if (amount > most) {
          throw new SpecException(path + ".resources." + type, amount + " is more than the cluster's largest "
              + "container has (" + most + " " + type + "); ask for less");
        }
      });
    }
  }

  /**
   * Refuses placements the cluster cannot satisfy, naming the field, instead of leaving them
   * pending: node labels the cluster does not have, constraints with the ResourceManager's
   * placement-constraint handler off, and more anti-affine containers than running nodes.
   */
  void checkPlacement(JobSpec spec) throws IOException, YarnException {
    java.util.Set<String> labels = null;
    java.util.Map<String, String> wanted = new java.util.LinkedHashMap<>();
    if (spec.amNodeLabel() != null) {
      wanted.put("am.nodeLabel", spec.amNodeLabel());
    }
    for (Role role : Role.values()) {
      if (spec.role(role).placement().nodeLabel() != null) {
        wanted.put("roles." + role.specName() + ".nodeLabel", spec.role(role).placement().nodeLabel());
      }
    }
    for (java.util.Map.Entry<String, String> want : wanted.entrySet()) {
      if (labels == null) {
        labels = new java.util.TreeSet<>();
        try {
          for (org.apache.hadoop.yarn.api.records.NodeLabel l : yarn.getClusterNodeLabels()) {
            labels.add(l.getName());
          }
        } catch (YarnException | IOException e) {
          // node labels disabled: the cluster has none
        }
      }
      if (!labels.contains(want.getValue())) {
        throw new SpecException(want.getKey(), "the cluster has no node label \"" + want.getValue() + "\""
            + (labels.isEmpty() ? " (it has none; yarn.node-labels.enabled)" : "; it has: " + String.join(", ", labels)));
      }
    }
    for (Role role : Role.values()) {
      String path = "roles." + role.specName();
      dev.psyarn.spec.Placement p = spec.role(role).placement();
      if (p.constrained()) {
        String handler = conf.get("yarn.resourcemanager.placement-constraints.handler", "disabled");
        if (handler.equals("disabled")) {
          throw new SpecException(path + ".placement", "the ResourceManager does not place containers under "
              + "constraints (yarn.resourcemanager.placement-constraints.handler = disabled; scheduler or "
              + "placement-processor enables it)");
        }
        int nodes = yarn.getNodeReports(org.apache.hadoop.yarn.api.records.NodeState.RUNNING).size();
        int fit = nodes * p.maxPerNode();
        if (spec.role(role).instances() > fit) {
          throw new SpecException(path + ".placement", spec.role(role).instances() + " " + role.specName()
              + " containers at most " + p.maxPerNode() + " a node need more than the " + nodes
              + " running NodeManagers the cluster has");
        }
      }
    }
  }

  /**
   * Refuses runtimes the cluster's NodeManagers would refuse (or cannot run) and volumes whose
   * source does not exist, naming the field; nothing is submitted.
   */
  void checkRuntimesAndVolumes(JobSpec spec) throws IOException {
    for (Role role : Role.values()) {
      String path = "roles." + role.specName();
      dev.psyarn.runtime.RuntimePolicy.check(conf, spec.role(role).runtime(), path + ".runtime");
      java.util.List<dev.psyarn.runtime.Volume> volumes = spec.role(role).volumes();
      for (int i = 0; i < volumes.size(); i++) {
        Path source = new Path(volumes.get(i).source());
        if (!source.getFileSystem(conf).exists(source)) {
          throw new SpecException(path + ".localize[" + i + "].source", source + " does not exist");
        }
      }
    }
    if (spec.preprocesses() && spec.preprocess().runtime() != null) {
      dev.psyarn.runtime.RuntimePolicy.check(conf, spec.preprocess().runtime(), "preprocess.runtime");
    }
  }

  private static void check(String path, ResourceAsk ask, Resource max) {
    if (ask.memoryMb() > max.getMemorySize()) {
      throw new SpecException(path + ".memory", ask.memoryMb() + "m is more than the cluster's largest container ("
          + max.getMemorySize() + "m, yarn.scheduler.maximum-allocation-mb); ask for less");
    }
    if (ask.vcores() > max.getVirtualCores()) {
      throw new SpecException(path + ".vcores", ask.vcores() + " is more than the cluster's largest container ("
          + max.getVirtualCores() + " vcores, yarn.scheduler.maximum-allocation-vcores); ask for less");
    }
  }
}
