package dev.psyarn.am;

import org.apache.hadoop.yarn.api.records.Container;

/** Starts containers for assignments, and stops them. */
interface Launcher {
  void launch(RoleAllocator.Assignment assignment);

  /** A container an earlier AM attempt launched, taken over by this one (so it can be stopped). */
  default void adopt(Container container) {
  }

  /** Asks the container's NodeManager to stop it; its completion arrives as an event. */
  default void stop(String containerId) {
    throw new UnsupportedOperationException("this launcher cannot stop containers");
  }

  /**
   * Server containers launched from now on are of a layout of {@code numServers}; those from
   * index {@code joiningFrom} on (-1: none) join change {@code change} of {@code joiningServers}
   * servers (server flex).
   */
  default void serverLayout(int numServers, int joiningFrom, int joiningServers, int change) {
  }
}
