package dev.psyarn.am;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
    Path jars = kept == null ? staging : kept;
    Files.writeString(jars.resolve(AmEnv.JAR), "the distribution jar");
    Files.writeString(jars.resolve(AmEnv.CONTAINER_JAR), "the lean copy");
    for (String name : AmEnv.CONF_LINKS) {
      Files.writeString(staging.resolve(name), "<configuration/>");
    }
    JobSpec spec = JobSpecParser.parse("""
        name: jars
        roles:
          server: {instances: 1, memory: 256m}
          worker: {instances: 2, memory: 256m}
        app: %s
        """.formatted(app));
    Configuration conf = new Configuration(false);
    AmEnv env = AmEnv.from(new AmEnv(staging.toUri().toString(), 1L, "/opt/hadoop/share/*",
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
    LocalResource conf0 = contexts.forContainer(Role.SERVER, 0, 1000).toLaunchContext().getLocalResources()
        .get("core-site.xml");
    assertEquals(org.apache.hadoop.yarn.api.records.LocalResourceVisibility.APPLICATION, conf0.getVisibility(),
        "the application's own files stay the application's");
  }

  @Test
  void workersThatReadParquetThemselvesGetTheDistributionJar() throws Exception {
    LaunchContexts parquet = contexts("{type: sparse-lr, data: /data/flights-3m.parquet}");
    assertEquals(AmEnv.JAR, jarOf(parquet, Role.WORKER), "sparse-lr's data path featurizes Parquet in the workers");
    assertEquals(AmEnv.CONTAINER_JAR, jarOf(parquet, Role.SERVER), "servers never read input files");
  }
}
