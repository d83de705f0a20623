package dev.psyarn.am;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.psyarn.spec.JobSpec;
import dev.psyarn.spec.JobSpecParser;
import dev.psyarn.spec.Role;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.security.Credentials;
import org.apache.hadoop.yarn.api.records.LocalResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which copy of psyarn's jar each role's containers localize (as {@code psyarn.jar}). */
class LaunchContextsTest {

  @TempDir Path staging;

  private LaunchContexts contexts(String app) throws Exception {
    return contexts(app, null);
  }

  /** With {@code kept}, the jars are the user's kept ones there (client.JarCache); else in staging. */
  private LaunchContexts contexts(String app, Path kept) throws Exception {
    return contexts(app, kept, new Configuration(false));
  }

  private LaunchContexts contexts(String app, Path kept, Configuration conf) throws Exception {
    return contexts(app, kept, conf, "{instances: 2, memory: 256m}");
  }

  private LaunchContexts contexts(String app, Path kept, Configuration conf, String worker) throws Exception {
    return contexts(app, kept, conf, worker, "/opt/hadoop/share/*");
  }

  private LaunchContexts contexts(String app, Path kept, Configuration conf, String worker, String hadoopClasspath)
      throws Exception {
    Path jars = kept == null ? staging : kept;
    Files.writeString(jars.resolve(AmEnv.JAR), "the distribution jar");
    Files.writeString(jars.resolve(AmEnv.CONTAINER_JAR), "the lean copy");
    Files.writeString(staging.resolve(AmEnv.CONF_ARCHIVE), "a zip of the site files and the spec");
    Files.write(jars.resolve(dev.psyarn.runtime.ClassDataSharing.SCRIPT), dev.psyarn.runtime.ClassDataSharing.script());
    JobSpec spec = JobSpecParser.parse("""
        name: jars
        roles:
          server: {instances: 1, memory: 256m}
          worker: %s
        app: %s
        """.formatted(worker, app));
    AmEnv env = AmEnv.from(new AmEnv(staging.toUri().toString(), 1L, hadoopClasspath,
        kept == null ? null : kept.toUri().toString()).toMap());
    return LaunchContexts.create(conf, FileSystem.getLocal(conf), env, spec, new Credentials(), Map.of(), "amhost",
        7000);
  }

  private static String jarOf(LaunchContexts contexts, Role role) {
    LocalResource jar = contexts.forContainer(role, 0, 1000).toLaunchContext().getLocalResources().get(AmEnv.JAR);
    String file = jar.getResource().getFile();
    return file.substring(file.lastIndexOf('/') + 1);
  }

  @Test
  void serversAndShardReadingWorkersRunOnTheLeanJar() throws Exception {
    LaunchContexts counter = contexts("{type: counter}");
    assertEquals(AmEnv.CONTAINER_JAR, jarOf(counter, Role.SERVER));
    assertEquals(AmEnv.CONTAINER_JAR, jarOf(counter, Role.WORKER));
    LaunchContexts sharded = contexts("{type: sparse-fm, shards: /data/shards}");
    assertEquals(AmEnv.CONTAINER_JAR, jarOf(sharded, Role.WORKER));
  }

  @Test
  void keptJarsAreLocalizedOncePerUserAndNodeFromTheirOwnDirectory(@TempDir Path kept) throws Exception {
    LaunchContexts contexts = contexts("{type: counter}", kept);
    LocalResource jar = contexts.forContainer(Role.SERVER, 0, 1000).toLaunchContext().getLocalResources()
        .get(AmEnv.JAR);
    assertEquals(org.apache.hadoop.yarn.api.records.LocalResourceVisibility.PRIVATE, jar.getVisibility());
    assertEquals(kept.resolve(AmEnv.CONTAINER_JAR).toString(), jar.getResource().getFile());
    Map<String, LocalResource> files = contexts.forContainer(Role.SERVER, 0, 1000).toLaunchContext()
        .getLocalResources();
    LocalResource conf0 = files.get(dev.psyarn.runtime.ContainerClasspath.CONF_DIR);
    assertEquals(org.apache.hadoop.yarn.api.records.LocalResourceVisibility.APPLICATION, conf0.getVisibility(),
        "the application's own files stay the application's");
    assertEquals(org.apache.hadoop.yarn.api.records.LocalResourceType.ARCHIVE, conf0.getType());
    assertEquals(staging.resolve(AmEnv.CONF_ARCHIVE).toString(), conf0.getResource().getFile());
    LocalResource script = files.get(dev.psyarn.runtime.ClassDataSharing.SCRIPT);
    assertEquals(kept.resolve(dev.psyarn.runtime.ClassDataSharing.SCRIPT).toString(), script.getResource().getFile(),
        "the launch script is the kept jars' build's, localized once per user and node as they are");
    assertEquals(org.apache.hadoop.yarn.api.records.LocalResourceVisibility.PRIVATE, script.getVisibility());
    assertEquals(java.util.Set.of(AmEnv.JAR, dev.psyarn.runtime.ContainerClasspath.CONF_DIR,
        dev.psyarn.runtime.ClassDataSharing.SCRIPT), files.keySet(), "nothing else to localize for a server");
  }

  @Test
  void workersThatReadParquetThemselvesGetTheDistributionJar() throws Exception {
    LaunchContexts parquet = contexts("{type: sparse-lr, data: /data/flights-3m.parquet}");
    assertEquals(AmEnv.JAR, jarOf(parquet, Role.WORKER), "sparse-lr's data path featurizes Parquet in the workers");
    assertEquals(AmEnv.CONTAINER_JAR, jarOf(parquet, Role.SERVER), "servers never read input files");
  }

  @Test
  void withKeptJarsNativeContainersStartWithTheNodesArchiveOfTheirKind(@TempDir Path kept)
      throws Exception {
    Configuration conf = new Configuration(false);
    conf.set(dev.psyarn.PsyarnConfig.CDS_DIR, "/var/cds");
    LaunchContexts contexts = contexts("{type: counter}", kept, conf, "{instances: 2, memory: 256m}");
    org.apache.hadoop.yarn.api.records.ContainerLaunchContext server =
        contexts.forContainer(Role.SERVER, 0, 1000).toLaunchContext();
    String command = server.getCommands().get(0);
    assertTrue(command.startsWith("/bin/bash psyarn-java.sh ServerMain-"), command);
    assertTrue(server.getLocalResources().containsKey(dev.psyarn.runtime.ClassDataSharing.SCRIPT));
    assertEquals("/var/cds", server.getEnvironment().get(dev.psyarn.runtime.ClassDataSharing.DIR_ENV));
    assertEquals("{{PWD}}/psyarn.jar<CPS>/opt/hadoop/share/*<CPS>{{PWD}}/psyarn-conf<CPS>{{PWD}}<CPS>{{PWD}}/*",
        server.getEnvironment().get("CLASSPATH"));
    String worker = contexts.forContainer(Role.WORKER, 0, 1000).toLaunchContext().getCommands().get(0);
    assertTrue(worker.startsWith("/bin/bash psyarn-java.sh WorkerMain-"), worker);
    assertNotEquals(command.split(" ")[2].substring("ServerMain".length()), worker.split(" ")[2].substring("WorkerMain".length()));
    String docker = contexts("{type: counter}", kept, conf,
        "{instances: 2, memory: 256m, runtime: {type: docker, image: \"psyarn:1\"}}")
        .forContainer(Role.WORKER, 0, 1000).toLaunchContext().getCommands().get(0);
    assertTrue(docker.startsWith("{{JAVA_HOME}}/bin/java "), "a Docker role's JDK and /tmp are its image's: " + docker);
  }

  @Test
  void withoutKeptJarsOrWithSharingOffTheyStartPlainly(@TempDir Path kept) throws Exception {
    String staged = contexts("{type: counter}").forContainer(Role.SERVER, 0, 1000).toLaunchContext().getCommands().get(0);
    assertTrue(staged.startsWith("{{JAVA_HOME}}/bin/java "), staged);
    Configuration off = new Configuration(false);
    off.setBoolean(dev.psyarn.PsyarnConfig.CDS_ENABLED, false);
    org.apache.hadoop.yarn.api.records.ContainerLaunchContext plain =
        contexts("{type: counter}", kept, off).forContainer(Role.SERVER, 0, 1000).toLaunchContext();
    assertTrue(plain.getCommands().get(0).startsWith("{{JAVA_HOME}}/bin/java "), plain.getCommands().get(0));
    assertEquals("{{PWD}}/psyarn-conf<CPS>{{PWD}}<CPS>{{PWD}}/*<CPS>/opt/hadoop/share/*",
        plain.getEnvironment().get("CLASSPATH"));
    assertFalse(plain.getLocalResources().containsKey(dev.psyarn.runtime.ClassDataSharing.SCRIPT));
  }

  @Test
  void givenHadoopsJarsOneByOneLeanJarRolesGetOnlyThoseTheirCodeRunsOn(@TempDir Path kept) throws Exception {
    String listed = dev.psyarn.runtime.RoleClasspath.listed().stream()
        .filter(name -> name.startsWith("hadoop-common-")).findFirst().orElseThrow(
            () -> new AssertionError("the build lists hadoop-common among a role's jars"));
    String hadoop = String.join(java.io.File.pathSeparator, "/m2/" + listed, "/etc/hadoop",
        "/m2/hadoop-yarn-server-nodemanager-3.5.0.jar", "/m2/hadoop-hdfs-3.5.0-tests.jar");
    String worker = "{instances: 2, memory: 256m}";
    Configuration conf = new Configuration(false);
    LaunchContexts counter = contexts("{type: counter}", kept, conf, worker, hadoop);
    String lean = "{{PWD}}/psyarn.jar<CPS>/m2/" + listed + "<CPS>{{PWD}}/psyarn-conf<CPS>{{PWD}}<CPS>{{PWD}}/*<CPS>/etc/hadoop";
    for (Role role : Role.values()) {
      org.apache.hadoop.yarn.api.records.ContainerLaunchContext launch = counter.forContainer(role, 0, 1000).toLaunchContext();
      assertEquals(lean, launch.getEnvironment().get("CLASSPATH"), role + ": the mini clusters' jars stay out");
    }
    String full = "{{PWD}}/psyarn.jar<CPS>/m2/" + listed + "<CPS>/m2/hadoop-yarn-server-nodemanager-3.5.0.jar"
        + "<CPS>/m2/hadoop-hdfs-3.5.0-tests.jar<CPS>{{PWD}}/psyarn-conf<CPS>{{PWD}}<CPS>{{PWD}}/*<CPS>/etc/hadoop";
    LaunchContexts parquet = contexts("{type: sparse-lr, data: /data/flights-3m.parquet}", kept, conf, worker, hadoop);
    assertEquals(full, parquet.forContainer(Role.WORKER, 0, 1000).toLaunchContext().getEnvironment().get("CLASSPATH"),
        "a worker that reads Parquet itself runs the distribution jar, on all of Hadoop's");
    assertEquals(lean, parquet.forContainer(Role.SERVER, 0, 1000).toLaunchContext().getEnvironment().get("CLASSPATH"));
    Files.writeString(staging.resolve(AmEnv.appJarFile(0)), "an app's own jar, as the client stages it");
    LaunchContexts appJars = contexts("{type: counter, jars: [\"/apps/extra.jar\"]}", kept, conf, worker, hadoop);
    assertEquals(full, appJars.forContainer(Role.SERVER, 0, 1000).toLaunchContext().getEnvironment().get("CLASSPATH"),
        "an app's own jars may use any of Hadoop's");
    Configuration off = new Configuration(false);
    off.setBoolean(dev.psyarn.PsyarnConfig.CONTAINER_LEAN_CLASSPATH, false);
    assertEquals(full, contexts("{type: counter}", kept, off, worker, hadoop).forContainer(Role.SERVER, 0, 1000)
        .toLaunchContext().getEnvironment().get("CLASSPATH"));
    String docker = "{instances: 2, memory: 256m, runtime: {type: docker, image: \"psyarn:1\"}}";
    assertEquals(full, contexts("{type: counter}", kept, conf, docker, hadoop).forContainer(Role.WORKER, 0, 1000)
        .toLaunchContext().getEnvironment().get("CLASSPATH"), "a Docker role's classpath is as it was");
  }
}
