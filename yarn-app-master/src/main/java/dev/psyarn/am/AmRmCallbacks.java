package dev.psyarn.am;

import java.util.List;
import org.apache.hadoop.yarn.api.records.Container;
import org.apache.hadoop.yarn.api.records.ContainerStatus;
import org.apache.hadoop.yarn.api.records.NodeReport;
import org.apache.hadoop.yarn.api.records.UpdatedContainer;
import org.apache.hadoop.yarn.client.api.async.AMRMClientAsync;

/** Turns the ResourceManager's callbacks into lifecycle events on the event thread; nothing more. */
final class AmRmCallbacks extends AMRMClientAsync.AbstractCallbackHandler {

  private final AmLoop loop;
  private final JobProgress progress;
  private final AllocationPace pace;

  AmRmCallbacks(AmLoop loop, JobProgress progress, AllocationPace pace) {
    this.loop = loop;
    this.progress = progress;
    this.pace = pace;
  }

  @Override
  public void onContainersAllocated(List<Container> containers) {
    List<Container> copy = List.copyOf(containers);
    loop.post(new AmEvent.Allocated(copy));
  }

  @Override
  public void onContainersCompleted(List<ContainerStatus> statuses) {
    for (ContainerStatus status : statuses) {
      loop.post(new AmEvent.Completed(status));
    }
  }

  @Override
  public void onContainersUpdated(List<UpdatedContainer> containers) {
  }

  /** The ResourceManager cannot place a constrained request: say so and why, never wait silently. */
  @Override
  public void onRequestsRejected(List<org.apache.hadoop.yarn.api.records.RejectedSchedulingRequest> rejected) {
    StringBuilder why = new StringBuilder("the ResourceManager rejected the placement of ");
    for (org.apache.hadoop.yarn.api.records.RejectedSchedulingRequest r : rejected) {
      why.append(r.getRequest().getAllocationTags()).append(" (").append(r.getReason()).append(") ");
    }
    String diagnostics = why.toString().strip()
        + "; the cluster cannot satisfy the spec's placement (nodes, labels or per-node limits)";
    loop.post(new AmEvent.Fatal(AmEvent.Type.FATAL_ERROR, diagnostics));
  }

  @Override
  public void onShutdownRequest() {
    loop.post(new AmEvent.Fatal(AmEvent.Type.SHUTDOWN_REQUESTED,
        "the ResourceManager asked the ApplicationMaster to shut down"));
  }

  @Override
  public void onNodesUpdated(List<NodeReport> updatedNodes) {
  }

  /** Asked at every heartbeat, before it goes out: also where the heartbeats' pace moves on. */
  @Override
  public float getProgress() {
    pace.beat();
    return progress.get();
  }

  @Override
  public void onError(Throwable e) {
    loop.post(new AmEvent.Fatal(AmEvent.Type.FATAL_ERROR,
        "lost the ResourceManager: " + e));
  }
}
