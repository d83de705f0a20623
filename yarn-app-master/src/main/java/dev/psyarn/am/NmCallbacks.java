package dev.psyarn.am;

import java.nio.ByteBuffer;
import java.util.Map;
import org.apache.hadoop.yarn.api.records.ContainerId;
import org.apache.hadoop.yarn.api.records.ContainerStatus;
import org.apache.hadoop.yarn.api.records.Resource;
import org.apache.hadoop.yarn.client.api.async.NMClientAsync;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Turns the NodeManagers' answers into lifecycle events on the event thread; nothing more. */
final class NmCallbacks extends NMClientAsync.AbstractCallbackHandler {

  private static final Logger LOG = LoggerFactory.getLogger(NmCallbacks.class);

  private final AmLoop loop;

  NmCallbacks(AmLoop loop) {
    this.loop = loop;
  }

  @Override
  public void onContainerStarted(ContainerId id, Map<String, ByteBuffer> allServiceResponse) {
    loop.post(new AmEvent.ContainerEvent(AmEvent.Type.CONTAINER_STARTED, id.toString(), ""));
  }

  @Override
  public void onStartContainerError(ContainerId id, Throwable t) {
    loop.post(new AmEvent.ContainerEvent(AmEvent.Type.CONTAINER_START_FAILED, id.toString(), t.toString()));
  }

  @Override
  public void onStopContainerError(ContainerId id, Throwable t) {
    LOG.warn("could not stop {}: {}", id, t.toString());
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
}
