package dev.psyarn.am;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.Executor;
import org.apache.hadoop.yarn.api.records.ContainerId;
import org.apache.hadoop.yarn.api.records.ContainerStatus;
import org.apache.hadoop.yarn.api.records.Resource;
import org.apache.hadoop.yarn.client.api.async.NMClientAsync;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Starts containers through the NodeManagers and turns their answers into lifecycle events. */
final class ContainerLauncher extends NMClientAsync.AbstractCallbackHandler implements JobLifecycle.Launcher {

  private static final Logger LOG = LoggerFactory.getLogger(ContainerLauncher.class);

  private final Executor events;
  private final JobLifecycle[] lifecycle = new JobLifecycle[1];
  private LaunchContexts contexts;
  private NMClientAsync nm;
  private int heartbeatMs;
  /** What was launched, to stop it by id. */
  private final Map<String, org.apache.hadoop.yarn.api.records.Container> launched =
      new java.util.concurrent.ConcurrentHashMap<>();

  ContainerLauncher(Executor events) {
    this.events = events;
  }

  /** Completes the wiring once the lifecycle and the NodeManager client exist. */
  void wire(JobLifecycle owner, NMClientAsync client, LaunchContexts launchContexts, int containerHeartbeatMs) {
    this.lifecycle[0] = owner;
    this.nm = client;
    this.contexts = launchContexts;
    this.heartbeatMs = containerHeartbeatMs;
  }

  @Override
  public void launch(RoleAllocator.Assignment a) {
    LOG.info("launching {} {} in {} on {}", a.role().specName(), a.index(), a.container().getId(),
        a.container().getNodeId());
    launched.put(a.container().getId().toString(), a.container());
    nm.startContainerAsync(a.container(),
        contexts.forContainer(a.role(), a.index(), heartbeatMs).toLaunchContext());
  }

  @Override
  public void adopt(org.apache.hadoop.yarn.api.records.Container container) {
    launched.put(container.getId().toString(), container);
  }

  @Override
  public void stop(String containerId) {
    org.apache.hadoop.yarn.api.records.Container c = launched.get(containerId);
    if (c != null) {
      nm.stopContainerAsync(c.getId(), c.getNodeId());
    }
  }

  @Override
  public void onContainerStarted(ContainerId id, Map<String, ByteBuffer> allServiceResponse) {
    events.execute(() -> lifecycle[0].handle(
        new AmEvent.ContainerEvent(AmEvent.Type.CONTAINER_STARTED, id.toString(), "")));
  }

  @Override
  public void onStartContainerError(ContainerId id, Throwable t) {
    events.execute(() -> lifecycle[0].handle(
        new AmEvent.ContainerEvent(AmEvent.Type.CONTAINER_START_FAILED, id.toString(), t.toString())));
  }

  @Override
  public void onContainerStatusReceived(ContainerId id, ContainerStatus status) {
  }

  @Override
  public void onContainerStopped(ContainerId id) {
  }

  @Override
  public void onGetContainerStatusError(ContainerId id, Throwable t) {
  }

  @Override
  public void onContainerResourceIncreased(ContainerId id, Resource resource) {
  }

  @Override
  public void onContainerResourceUpdated(ContainerId id, Resource resource) {
  }

  @Override
  public void onIncreaseContainerResourceError(ContainerId id, Throwable t) {
  }

  @Override
  public void onUpdateContainerResourceError(ContainerId id, Throwable t) {
  }

  @Override
  public void onStopContainerError(ContainerId id, Throwable t) {
    LOG.warn("could not stop {}: {}", id, t.toString());
  }
}
