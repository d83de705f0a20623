package dev.psyarn.am;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.psyarn.runtime.RuntimePolicy;
import dev.psyarn.spec.JobSpec;
import dev.psyarn.spec.JobSpecParser;
import dev.psyarn.spec.Role;
import dev.psyarn.specs.SpecException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.security.Credentials;
import org.apache.hadoop.yarn.api.records.ApplicationAttemptId;
import org.apache.hadoop.yarn.api.records.ApplicationId;
import org.apache.hadoop.yarn.api.records.ContainerId;
import org.apache.hadoop.yarn.api.records.ContainerLaunchContext;
import org.apache.hadoop.yarn.api.records.Resource;
import org.apache.hadoop.yarn.conf.YarnConfiguration;
import org.apache.hadoop.yarn.server.nodemanager.Context;
import org.apache.hadoop.yarn.server.nodemanager.LocalDirsHandlerService;
import org.apache.hadoop.yarn.server.nodemanager.containermanager.container.Container;
import org.apache.hadoop.yarn.server.nodemanager.containermanager.linux.privileged.PrivilegedOperationExecutor;
import org.apache.hadoop.yarn.server.nodemanager.containermanager.linux.runtime.DockerLinuxContainerRuntime;
import org.apache.hadoop.yarn.server.nodemanager.containermanager.linux.runtime.LinuxContainerRuntimeConstants;
import org.apache.hadoop.yarn.server.nodemanager.containermanager.resourceplugin.ResourcePluginManager;
import org.apache.hadoop.yarn.server.nodemanager.containermanager.runtime.ContainerExecutionException;
import org.apache.hadoop.yarn.server.nodemanager.containermanager.runtime.ContainerRuntimeContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The contract with YARN's Docker runtime: the launch contexts our AM builds for a Docker role go
 * through the NodeManager's own {@link DockerLinuxContainerRuntime}, and the docker command it
 * hands to {@code container-executor} (captured by a stand-in script at the
 * container-executor's path) runs our image, network, mounts, ports and launch command; what
 * psyarn refuses before submission, YARN refuses too.
 */
class DockerRuntimeContractTest {

  private static Path work;
  private static Path captured;

  private static final String SPEC = """
      name: mixed
      roles:
        server: {instances: 1, memory: 256m}
        worker:
          instances: 2
          memory: 256m
          runtime:
            type: docker
            image: psyarn/worker:0.1
            network: bridge
            hostname: worker-host
            ports: ["19000:9000"]
            mounts: ["/data/flights:/data:ro", "/scratch:/scratch:rw"]
            tmpfs: [/tmp]
            env: {MODE: docker}
            javaHome: /opt/java
      app: {type: counter}
      """;

  @BeforeAll
  static void fakeContainerExecutor() throws Exception {
    work = Paths.get("target", "docker-contract").toAbsolutePath();
    Files.createDirectories(work);
    captured = work.resolve("captured");
    Files.createDirectories(captured);
    // Stands where YARN's native container-executor would: keeps the docker command file it is given.
    Path script = work.resolve("container-executor");
    Files.writeString(script, "#!/bin/sh\nfor a in \"$@\"; do\n  if [ -f \"$a\" ] && grep -q docker-command-execution \"$a\";"
        + " then cp \"$a\" " + captured + "/last.cmd; fi\ndone\necho \"$@\" >> " + work + "/args.log\nexit 0\n");
    assertTrue(script.toFile().setExecutable(true));
  }

  /** The AM's launch context for worker 0 of a spec, as LaunchContexts builds it. */
  private static ContainerLaunchContext workerContext(JobSpec spec) throws Exception {
    Configuration conf = new Configuration(false);
    FileSystem fs = FileSystem.getLocal(conf);
    Path staging = Files.createDirectories(work.resolve("staging"));
    for (String name : new String[] {AmEnv.JAR, AmEnv.CONTAINER_JAR, AmEnv.CONF_ARCHIVE}) {
      Files.writeString(staging.resolve(name), "x");
    }
    AmEnv env = new AmEnv(staging.toUri().toString(), 1L, "/opt/hadoop/share/*");
    LaunchContexts contexts = LaunchContexts.create(conf, fs, env, spec, new Credentials(), Map.of(), "amhost", 7000);
    return contexts.forContainer(Role.WORKER, 0, 1000).toLaunchContext();
  }

  private static Configuration nodeManagerConf(Map<String, String> settings) {
    Configuration conf = new YarnConfiguration();
    conf.set(YarnConfiguration.NM_LINUX_CONTAINER_EXECUTOR_PATH, work.resolve("container-executor").toString());
    conf.set(YarnConfiguration.NM_LOCAL_DIRS, work.resolve("nm-local").toString());
    conf.set(YarnConfiguration.NM_LOG_DIRS, work.resolve("nm-logs").toString());
    conf.set("yarn.nodemanager.runtime.linux.allowed-runtimes", "default,docker");
    conf.setBoolean("yarn.nodemanager.runtime.linux.docker.enable-userremapping.allowed", false);
    conf.set("yarn.nodemanager.runtime.linux.docker.default-container-network", "host");
    conf.set("yarn.nodemanager.runtime.linux.docker.capabilities", "CHOWN,SETUID,SETGID");
    settings.forEach(conf::set);
    return conf;
  }

  /** Runs the NodeManager's Docker runtime on a launch context; returns the docker command it wrote. */
  private static Map<String, String> launch(ContainerLaunchContext clc, Configuration conf) throws Exception {
    Files.deleteIfExists(captured.resolve("last.cmd"));
    LocalDirsHandlerService dirs = new LocalDirsHandlerService();
    dirs.init(conf);
    ResourcePluginManager plugins = new ResourcePluginManager() {
      @Override
      public synchronized Map<String, org.apache.hadoop.yarn.server.nodemanager.containermanager.resourceplugin
          .ResourcePlugin> getNameToPlugins() {
        return Map.of();
      }
    };
    Context nm = fake(Context.class, Map.of("getLocalDirsHandler", dirs, "getResourcePluginManager", plugins,
        "getConf", conf));
    ContainerId id = ContainerId.newContainerId(ApplicationAttemptId.newInstance(ApplicationId.newInstance(1, 1), 1), 4);
    Container container = fake(Container.class, Map.of("getContainerId", id, "getLaunchContext", clc, "getUser", "alice",
        "getResource", Resource.newInstance(256, 1), "getWorkDir", work.resolve("workdir").toString(),
        "getLocalizedResources", Map.of()));
    DockerLinuxContainerRuntime runtime = new DockerLinuxContainerRuntime(PrivilegedOperationExecutor.getInstance(conf));
    runtime.initialize(conf, nm);
    org.apache.hadoop.fs.Path wd = new org.apache.hadoop.fs.Path(work.resolve("workdir").toString());
    ContainerRuntimeContext ctx = new ContainerRuntimeContext.Builder(container)
        .setExecutionAttribute(LinuxContainerRuntimeConstants.RUN_AS_USER, "alice")
        .setExecutionAttribute(LinuxContainerRuntimeConstants.USER, "alice")
        .setExecutionAttribute(LinuxContainerRuntimeConstants.APPID, id.getApplicationAttemptId().getApplicationId()
            .toString())
        .setExecutionAttribute(LinuxContainerRuntimeConstants.CONTAINER_ID_STR, id.toString())
        .setExecutionAttribute(LinuxContainerRuntimeConstants.CONTAINER_WORK_DIR, wd)
        .setExecutionAttribute(LinuxContainerRuntimeConstants.NM_PRIVATE_CONTAINER_SCRIPT_PATH,
            new org.apache.hadoop.fs.Path(work.resolve("private/launch_container.sh").toString()))
        .setExecutionAttribute(LinuxContainerRuntimeConstants.NM_PRIVATE_TOKENS_PATH,
            new org.apache.hadoop.fs.Path(work.resolve("private/tokens").toString()))
        .setExecutionAttribute(LinuxContainerRuntimeConstants.PID_FILE_PATH,
            new org.apache.hadoop.fs.Path(work.resolve("private/pid").toString()))
        .setExecutionAttribute(LinuxContainerRuntimeConstants.LOCAL_DIRS, List.of(work.resolve("nm-local").toString()))
        .setExecutionAttribute(LinuxContainerRuntimeConstants.LOG_DIRS, List.of(work.resolve("nm-logs").toString()))
        .setExecutionAttribute(LinuxContainerRuntimeConstants.FILECACHE_DIRS, List.of(work.resolve("filecache").toString()))
        .setExecutionAttribute(LinuxContainerRuntimeConstants.USER_LOCAL_DIRS, List.of(work.resolve("usercache").toString()))
        .setExecutionAttribute(LinuxContainerRuntimeConstants.CONTAINER_LOCAL_DIRS,
            List.of(work.resolve("container-local").toString()))
        .setExecutionAttribute(LinuxContainerRuntimeConstants.USER_FILECACHE_DIRS,
            List.of(work.resolve("user-filecache").toString()))
        .setExecutionAttribute(LinuxContainerRuntimeConstants.APPLICATION_LOCAL_DIRS,
            List.of(work.resolve("app-local").toString()))
        .setExecutionAttribute(LinuxContainerRuntimeConstants.CONTAINER_LOG_DIRS,
            List.of(work.resolve("container-logs").toString()))
        .setExecutionAttribute(LinuxContainerRuntimeConstants.LOCALIZED_RESOURCES, new HashMap<>())
        .setExecutionAttribute(LinuxContainerRuntimeConstants.RESOURCES_OPTIONS, "cgroups=none")
        .build();
    runtime.launchContainer(ctx);
    Path cmd = captured.resolve("last.cmd");
    assertTrue(Files.exists(cmd), "container-executor was handed no docker command file; it got: "
        + (Files.exists(work.resolve("args.log")) ? Files.readString(work.resolve("args.log")) : "nothing"));
    Map<String, String> out = new LinkedHashMap<>();
    for (String line : Files.readAllLines(cmd, StandardCharsets.UTF_8)) {
      int eq = line.indexOf('=');
      if (eq > 0) {
        out.put(line.substring(0, eq).strip(), line.substring(eq + 1).strip());
      }
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  private static <T> T fake(Class<T> type, Map<String, Object> answers) {
    return (T) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) -> {
      if (answers.containsKey(method.getName())) {
        return answers.get(method.getName());
      }
      Class<?> r = method.getReturnType();
      if (r == boolean.class) {
        return false;
      }
      if (r == int.class || r == long.class) {
        return r == int.class ? (Object) 0 : (Object) 0L;
      }
      if (method.getName().equals("toString")) {
        return type.getSimpleName() + " fake";
      }
      return null;
    });
  }

  @Test
  void yarnsDockerRuntimeRunsOurImageNetworkMountsPortsAndCommand() throws Exception {
    JobSpec spec = JobSpecParser.parse(SPEC);
    ContainerLaunchContext clc = workerContext(spec);
    assertEquals("docker", clc.getEnvironment().get("YARN_CONTAINER_RUNTIME_TYPE"));
    assertEquals("/opt/java", clc.getEnvironment().get("JAVA_HOME"), "the JDK inside the image");

    Map<String, String> docker = launch(clc, nodeManagerConf(Map.of(
        "yarn.nodemanager.runtime.linux.docker.allowed-container-networks", "host,none,bridge")));

    assertEquals("run", docker.get("docker-command"), docker.toString());
    assertEquals("psyarn/worker:0.1", docker.get("image"));
    assertEquals("bridge", docker.get("net"));
    assertEquals("worker-host", docker.get("hostname"));
    assertTrue(docker.get("ports-mapping").contains("19000:9000"), docker.toString());
    String mounts = docker.getOrDefault("mounts", "");
    assertTrue(mounts.contains("/data/flights:/data:ro"), mounts);
    assertTrue(mounts.contains("/scratch:/scratch:rw"), mounts);
    assertTrue(docker.getOrDefault("tmpfs", "").contains("/tmp"), docker.toString());
    assertEquals("alice", docker.get("user"), "runs as the submitting user");
    assertTrue(docker.get("launch-command").contains("launch_container.sh"), docker.toString());
    assertFalse(docker.containsKey("privileged"), "not privileged: " + docker);
  }

  @Test
  void whatPsyarnRefusesBeforeSubmissionYarnRefusesToo() throws Exception {
    // A network the cluster does not allow.
    JobSpec sdn = JobSpecParser.parse(SPEC.replace("network: bridge", "network: sdn7").replace("ports: [\"19000:9000\"]",
        "ports: []"));
    Configuration onlyHost = nodeManagerConf(Map.of(
        "yarn.nodemanager.runtime.linux.docker.allowed-container-networks", "host",
        "yarn.nodemanager.container-executor.class",
        "org.apache.hadoop.yarn.server.nodemanager.LinuxContainerExecutor"));
    SpecException ours = assertThrows(SpecException.class,
        () -> RuntimePolicy.check(onlyHost, sdn.role(Role.WORKER).runtime(), "roles.worker.runtime"));
    assertEquals("roles.worker.runtime.network", ours.field());
    assertThrows(ContainerExecutionException.class, () -> launch(workerContext(sdn), onlyHost));

    // A privileged container where they are not allowed.
    JobSpec privileged = JobSpecParser.parse(SPEC.replace("javaHome: /opt/java", "javaHome: /opt/java\n      privileged: true"));
    Configuration strict = nodeManagerConf(Map.of(
        "yarn.nodemanager.runtime.linux.docker.allowed-container-networks", "host,none,bridge",
        "yarn.nodemanager.container-executor.class",
        "org.apache.hadoop.yarn.server.nodemanager.LinuxContainerExecutor"));
    assertEquals("roles.worker.runtime.privileged", assertThrows(SpecException.class,
        () -> RuntimePolicy.check(strict, privileged.role(Role.WORKER).runtime(), "roles.worker.runtime")).field());
    assertThrows(ContainerExecutionException.class, () -> launch(workerContext(privileged), strict));

    // An image name YARN's pattern refuses is refused by the spec reader already.
    SpecException image = assertThrows(SpecException.class,
        () -> JobSpecParser.parse(SPEC.replace("psyarn/worker:0.1", "Psyarn/Worker:0.1")));
    assertEquals("roles.worker.runtime.image", image.field());
    assertThrows(ContainerExecutionException.class,
        () -> DockerLinuxContainerRuntime.validateImageName("Psyarn/Worker:0.1"));
    DockerLinuxContainerRuntime.validateImageName("psyarn/worker:0.1");

    // A cluster whose NodeManagers cannot run Docker at all (the default executor) is named.
    SpecException noDocker = assertThrows(SpecException.class,
        () -> RuntimePolicy.check(new Configuration(false), JobSpecParser.parse(SPEC).role(Role.WORKER).runtime(),
            "roles.worker.runtime"));
    assertTrue(noDocker.getMessage().contains("DefaultContainerExecutor"), noDocker.getMessage());
  }

  @Test
  void forbiddenMountsAndBadRuntimeFieldsNameTheirField() {
    String[][] cases = {
        {"mounts: [\"/data/flights:/data:ro\", \"/scratch:/scratch:rw\"]", "mounts: [\"/:/host:ro\"]",
            "roles.worker.runtime.mounts[0]"},
        {"mounts: [\"/data/flights:/data:ro\", \"/scratch:/scratch:rw\"]", "mounts: [\"/var/run/docker.sock:/s:rw\"]",
            "roles.worker.runtime.mounts[0]"},
        {"mounts: [\"/data/flights:/data:ro\", \"/scratch:/scratch:rw\"]", "mounts: [\"/data:/d:rx\"]",
            "roles.worker.runtime.mounts[0]"},
        {"mounts: [\"/data/flights:/data:ro\", \"/scratch:/scratch:rw\"]", "mounts: [\"data:/d\"]",
            "roles.worker.runtime.mounts[0]"},
        {"tmpfs: [/tmp]", "tmpfs: [tmp]", "roles.worker.runtime.tmpfs[0]"},
        {"ports: [\"19000:9000\"]", "ports: [\"http\"]", "roles.worker.runtime.ports[0]"},
        {"network: bridge", "network: host", "roles.worker.runtime.ports"},
        {"hostname: worker-host", "hostname: -bad", "roles.worker.runtime.hostname"},
        {"type: docker", "type: podman", "roles.worker.runtime.type"},
        {"env: {MODE: docker}", "env: {YARN_CONTAINER_RUNTIME_TYPE: default}", "roles.worker.runtime.env.YARN_CONTAINER_RUNTIME_TYPE"},
        {"javaHome: /opt/java", "javaHome: /opt/java\n      gpus: 1", "roles.worker.runtime.gpus"},
    };
    for (String[] c : cases) {
      SpecException e = assertThrows(SpecException.class, () -> JobSpecParser.parse(SPEC.replace(c[0], c[1])), c[1]);
      assertEquals(c[2], e.field(), e.getMessage());
    }
    Configuration allowList = new Configuration(false);
    allowList.set("yarn.nodemanager.container-executor.class", "org.apache.hadoop.yarn.server.nodemanager.LinuxContainerExecutor");
    allowList.set("yarn.nodemanager.runtime.linux.allowed-runtimes", "default,docker");
    allowList.set(RuntimePolicy.ALLOWED_MOUNTS, "/data");
    SpecException outside = assertThrows(SpecException.class, () -> RuntimePolicy.check(allowList,
        JobSpecParser.parse(SPEC).role(Role.WORKER).runtime(), "roles.worker.runtime"));
    assertEquals("roles.worker.runtime.mounts[1]", outside.field(), outside.getMessage());
    assertTrue(outside.getMessage().contains("/scratch"), outside.getMessage());
  }
}
