package dev.psyarn.it;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.CreateFlag;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.yarn.exceptions.ConfigurationException;
import org.apache.hadoop.yarn.server.nodemanager.Context;
import org.apache.hadoop.yarn.server.nodemanager.DefaultContainerExecutor;
import org.apache.hadoop.yarn.server.nodemanager.containermanager.container.Container;
import org.apache.hadoop.yarn.server.nodemanager.containermanager.container.ContainerDiagnosticsUpdateEvent;
import org.apache.hadoop.yarn.server.nodemanager.containermanager.launcher.ContainerLaunch;
import org.apache.hadoop.yarn.server.nodemanager.containermanager.linux.privileged.PrivilegedOperationExecutor;
import org.apache.hadoop.yarn.server.nodemanager.containermanager.linux.runtime.DockerLinuxContainerRuntime;
import org.apache.hadoop.yarn.server.nodemanager.containermanager.linux.runtime.LinuxContainerRuntimeConstants;
import org.apache.hadoop.yarn.server.nodemanager.containermanager.runtime.ContainerExecutionException;
import org.apache.hadoop.yarn.server.nodemanager.containermanager.runtime.ContainerRuntimeContext;
import org.apache.hadoop.yarn.server.nodemanager.executor.ContainerStartContext;

/**
 * A NodeManager executor for a machine with a Docker engine but without YARN's setuid
 * {@code container-executor}: native containers run as the {@link DefaultContainerExecutor} runs
 * them; a container whose launch context asks for the Docker runtime goes through the NodeManager's
 * own {@link DockerLinuxContainerRuntime}, exactly as the {@code LinuxContainerExecutor} would call
 * it, and the docker command file that runtime writes for {@code container-executor} is run on the
 * real engine ({@link DockerCommandFile}).
 *
 * <p>The runtime hands its command file to the program at
 * {@code yarn.nodemanager.linux-container-executor.path}; here that is a stand-in script that only
 * copies the file to {@link #CAPTURE_DIR} under the container's id. What differs from the native
 * binary: the container runs in the foreground of the launch wrapper (not {@code -d} plus
 * {@code docker wait}), and the node's {@code container-executor.cfg} allow-lists are not applied.
 */
public class DockerEngineExecutor extends DefaultContainerExecutor {

  /** Where the stand-in {@code container-executor} script leaves {@code <container id>.cmd}. */
  public static final String CAPTURE_DIR = "psyarn.it.docker.capture-dir";

  private final Map<String, List<String>> dockerRuns = new ConcurrentHashMap<>();
  private DockerLinuxContainerRuntime runtime;

  @Override
  public void init(Context nmContext) throws IOException {
    super.init(nmContext);
    runtime = new DockerLinuxContainerRuntime(PrivilegedOperationExecutor.getInstance(getConf()));
    try {
      runtime.initialize(getConf(), nmContext);
    } catch (ContainerExecutionException e) {
      throw new IOException("YARN's Docker runtime did not start: " + e.getMessage(), e);
    }
  }

  @Override
  public int launchContainer(ContainerStartContext ctx) throws IOException, ConfigurationException {
    Container container = ctx.getContainer();
    Configuration conf = getConf();
    if (!DockerLinuxContainerRuntime.isDockerContainerRequested(conf, container.getLaunchContext().getEnvironment())) {
      return super.launchContainer(ctx);
    }
    String id = container.getContainerId().toString();
    java.nio.file.Path captured = Paths.get(conf.get(CAPTURE_DIR), id + ".cmd");
    Files.deleteIfExists(captured);
    try {
      runtime.launchContainer(runtimeContext(ctx));
    } catch (ContainerExecutionException e) {
      // As the LinuxContainerExecutor does: YARN's runtime refused the launch context.
      container.handle(new ContainerDiagnosticsUpdateEvent(container.getContainerId(),
          "YARN's Docker runtime refused the container: " + e.getMessage()));
      return e.getExitCode() == 0 ? -1 : e.getExitCode();
    }
    if (!Files.exists(captured)) {
      throw new IOException("YARN's Docker runtime handed container-executor no docker command file for " + id);
    }
    dockerRuns.put(id, DockerCommandFile.runArguments(DockerCommandFile.read(captured)));
    try {
      return super.launchContainer(ctx);
    } finally {
      dockerRuns.remove(id);
    }
  }

  /** The attributes the LinuxContainerExecutor gives its runtime for a launch. */
  private ContainerRuntimeContext runtimeContext(ContainerStartContext ctx) {
    Container container = ctx.getContainer();
    return new ContainerRuntimeContext.Builder(container)
        .setExecutionAttribute(LinuxContainerRuntimeConstants.LOCALIZED_RESOURCES, ctx.getLocalizedResources())
        .setExecutionAttribute(LinuxContainerRuntimeConstants.RUN_AS_USER, ctx.getUser())
        .setExecutionAttribute(LinuxContainerRuntimeConstants.USER, ctx.getUser())
        .setExecutionAttribute(LinuxContainerRuntimeConstants.APPID, ctx.getAppId())
        .setExecutionAttribute(LinuxContainerRuntimeConstants.CONTAINER_ID_STR, container.getContainerId().toString())
        .setExecutionAttribute(LinuxContainerRuntimeConstants.CONTAINER_WORK_DIR, ctx.getContainerWorkDir())
        .setExecutionAttribute(LinuxContainerRuntimeConstants.NM_PRIVATE_CONTAINER_SCRIPT_PATH,
            ctx.getNmPrivateContainerScriptPath())
        .setExecutionAttribute(LinuxContainerRuntimeConstants.NM_PRIVATE_TOKENS_PATH, ctx.getNmPrivateTokensPath())
        .setExecutionAttribute(LinuxContainerRuntimeConstants.PID_FILE_PATH,
            getPidFilePath(container.getContainerId()))
        .setExecutionAttribute(LinuxContainerRuntimeConstants.LOCAL_DIRS, ctx.getLocalDirs())
        .setExecutionAttribute(LinuxContainerRuntimeConstants.LOG_DIRS, ctx.getLogDirs())
        .setExecutionAttribute(LinuxContainerRuntimeConstants.FILECACHE_DIRS, ctx.getFilecacheDirs())
        .setExecutionAttribute(LinuxContainerRuntimeConstants.USER_LOCAL_DIRS, ctx.getUserLocalDirs())
        .setExecutionAttribute(LinuxContainerRuntimeConstants.CONTAINER_LOCAL_DIRS, ctx.getContainerLocalDirs())
        .setExecutionAttribute(LinuxContainerRuntimeConstants.USER_FILECACHE_DIRS, ctx.getUserFilecacheDirs())
        .setExecutionAttribute(LinuxContainerRuntimeConstants.APPLICATION_LOCAL_DIRS, ctx.getApplicationLocalDirs())
        .setExecutionAttribute(LinuxContainerRuntimeConstants.CONTAINER_LOG_DIRS, ctx.getContainerLogDirs())
        .setExecutionAttribute(LinuxContainerRuntimeConstants.RESOURCES_OPTIONS, "cgroups=none")
        .build();
  }

  @Override
  protected LocalWrapperScriptBuilder getLocalWrapperScriptBuilder(String containerIdStr, Path containerWorkDir) {
    List<String> run = dockerRuns.get(containerIdStr);
    if (run == null) {
      return super.getLocalWrapperScriptBuilder(containerIdStr, containerWorkDir);
    }
    Path session = new Path(containerWorkDir, "docker_container_executor_session.sh");
    return new LocalWrapperScriptBuilder(containerWorkDir) {
      @Override
      public void writeLocalWrapperScript(Path launchDst, Path pidFile) throws IOException {
        // The session: its pid is the container's (the docker client, which passes signals on).
        try (DataOutputStream out = lfs.create(session, EnumSet.of(CreateFlag.CREATE, CreateFlag.OVERWRITE));
            PrintStream p = new PrintStream(out, false, StandardCharsets.UTF_8)) {
          p.println("#!/bin/bash");
          p.println("echo $$ > '" + pidFile + ".tmp'");
          p.println("/bin/mv -f '" + pidFile + ".tmp' '" + pidFile + "'");
          StringBuilder cmd = new StringBuilder("exec setsid docker");
          for (String arg : run) {
            cmd.append(' ').append('\'').append(arg.replace("'", "'\\''")).append('\'');
          }
          p.println(cmd);
        }
        super.writeLocalWrapperScript(launchDst, pidFile);
      }

      @Override
      protected void writeLocalWrapperScript(Path launchDst, Path pidFile, PrintStream p) {
        String exitCodeFile = ContainerLaunch.getExitCodeFile(pidFile.toString());
        p.println("#!/bin/bash");
        p.println("/bin/bash '" + session + "'");
        p.println("rc=$?");
        p.println("echo $rc > '" + exitCodeFile + ".tmp'");
        p.println("/bin/mv -f '" + exitCodeFile + ".tmp' '" + exitCodeFile + "'");
        p.println("exit $rc");
      }
    };
  }
}
