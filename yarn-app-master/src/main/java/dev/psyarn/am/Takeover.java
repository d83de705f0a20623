package dev.psyarn.am;

import dev.psyarn.spec.Role;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.yarn.api.records.Container;
import org.apache.hadoop.yarn.api.records.ContainerExitStatus;
import org.apache.hadoop.yarn.api.records.ContainerId;
import org.apache.hadoop.yarn.api.records.ContainerState;
import org.apache.hadoop.yarn.api.records.ContainerStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A new AM attempt taking the job over from the journal the earlier one left: kept containers
 * keep their slots and are to register again (the servers' addresses are known at once), finished
 * workers' results stand, released barriers stay released. What is gone becomes events for the
 * lifecycle: a slot whose container did not survive is a container lost with its node.
 */
final class Takeover {

  private static final Logger LOG = LoggerFactory.getLogger(Takeover.class);

  private final ContainerTable containers;
  private final ClusterDirectory directory;
  private final RoleAllocator allocator;
  private final LossPolicy losses;
  private final Launcher launcher;

  Takeover(ContainerTable containers, ClusterDirectory directory, RoleAllocator allocator, LossPolicy losses,
      Launcher launcher) {
    this.containers = containers;
    this.directory = directory;
    this.allocator = allocator;
    this.losses = losses;
    this.launcher = launcher;
  }

  /** Seeds the parts from {@code earlier}; returns the events the lifecycle handles next. */
  List<AmEvent> apply(AmJournal.State earlier, List<Container> kept, WorkerResults results, int workers, long now) {
    Map<String, Container> alive = new HashMap<>();
    kept.forEach(c -> alive.put(c.getId().toString(), c));
    allocator.tookOver();
    directory.restoreReleased(earlier.releasedBarriers());
    results.restore(earlier.results());
    List<AmEvent> then = new ArrayList<>();
    for (AmJournal.Slot s : earlier.slots()) {
      Role role = Role.bySpecName(s.role());
      dev.psyarn.am.ContainerState state = s.finished() ? dev.psyarn.am.ContainerState.FINISHED
          : dev.psyarn.am.ContainerState.STARTED;
      TrackedContainer c = new TrackedContainer(role, s.index(), s.id(), s.host(), s.nodeHttpAddress(), state, null,
          null, Map.of(), s.restarts(), null, now);
      containers.adopt(c);
      if (role == Role.SERVER && s.port() > 0) {
        directory.serverRegistered(s.index(), s.host(), s.port());
      }
      Container live = alive.get(s.id());
      if (live != null) {
        losses.placed(s.id(), allocator.nodeName(new RoleAllocator.Assignment(role, s.index(), live)));
        launcher.adopt(live);
      } else if (s.finished()) {
        containers.put(c.completed(0, "exited while the ApplicationMaster restarted", ExitReason.EXITED_CLEANLY, now));
      } else {
        then.add(new AmEvent.Completed(ContainerStatus.newInstance(ContainerId.fromString(c.id()),
            ContainerState.COMPLETE, "gone when the ApplicationMaster restarted", ContainerExitStatus.ABORTED)));
      }
    }
    LOG.info("took over {} containers from the earlier attempt; {} are gone", alive.size(), then.size());
    if (results.count() == workers) {
      // Every worker had reported: the last report is handled again, to finish as the earlier attempt would have.
      Map.Entry<Integer, WorkerReport> last = results.pollLast();
      containers.all().stream().filter(c -> c.role() == Role.WORKER && c.index() == last.getKey()
          && containers.holdsSlot(c)).findFirst()
          .ifPresent(c -> then.add(0, new AmEvent.WorkerFinished(c.id(), last.getValue())));
    }
    return then;
  }
}
