package dev.psyarn.am;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.hadoop.yarn.api.records.Container;
import org.apache.hadoop.yarn.client.api.async.NMClientAsync;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts and stops containers through the NodeManagers; their answers come back as events
 * through {@link NmCallbacks}.
 */
final class ContainerLauncher implements Launcher {

  private static final Logger LOG = LoggerFactory.getLogger(ContainerLauncher.class);

  private final NMClientAsync nm;
  private final LaunchContexts contexts;
  private final int heartbeatMs;
  /** What was launched or taken over, to stop it by id. */
  private final Map<String, Container> known = new ConcurrentHashMap<>();

  ContainerLauncher(NMClientAsync nm, LaunchContexts contexts, int containerHeartbeatMs) {
    this.nm = nm;
    this.contexts = contexts;
    this.heartbeatMs = containerHeartbeatMs;
  }

  @Override
  public void launch(RoleAllocator.Assignment a) {
    LOG.info("launching {} {} in {} on {}", a.role().specName(), a.index(), a.container().getId(),
        a.container().getNodeId());
    known.put(a.container().getId().toString(), a.container());
    nm.startContainerAsync(a.container(), contexts.forContainer(a.role(), a.index(), heartbeatMs).toLaunchContext());
  }

  @Override
  public void serverLayout(int numServers, int joiningFrom, int joiningServers, int change) {
    contexts.serverLayout(numServers, joiningFrom, joiningServers, change);
  }

  @Override
  public void adopt(Container container) {
    known.put(container.getId().toString(), container);
  }

  @Override
  public void stop(String containerId) {
    Container c = known.get(containerId);
    if (c != null) {
      nm.stopContainerAsync(c.getId(), c.getNodeId());
    }
  }
}
