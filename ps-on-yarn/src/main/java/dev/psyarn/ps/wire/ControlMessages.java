package dev.psyarn.ps.wire;

import java.util.HashMap;

/** Control-plane messages between containers and the ApplicationMaster. */
public final class ControlMessages {

  private ControlMessages() {}

  /** A container announces itself and, for a server, where its data plane listens. */
  public record Register(String containerId, String role, int index, String host, int port) {}

  /**
   * Asks for the servers and their key ranges; answered once every server has registered and the
   * view's epoch is above {@code newerThan} (-1 for any: a worker that lost a server asks for the
   * view after the one it had, which names the server's replacement).
   */
  public record GetClusterView(long newerThan) {

    /** Asks for the view as it is, answered at once even if some server is not in it. */
    public static final long NOW = -2;

    /** The first view. */
    public GetClusterView() {
      this(-1);
    }
  }

  /** Where server {@code index} listens. */
  public record ServerInfo(int index, String host, int port) {}

  /**
   * The servers of the job and how keys map onto them ({@code partitioner} and
   * {@code virtualNodes}, see {@code Partitioner.create}); {@code epoch} grows whenever the view
   * changes.
   */
  public record ClusterView(long epoch, ServerInfo[] servers, int numWorkers, String partitioner, int virtualNodes,
      int layout) {

    /** A view of the servers the job started with (layout 0). */
    public ClusterView(long epoch, ServerInfo[] servers, int numWorkers, String partitioner, int virtualNodes) {
      this(epoch, servers, numWorkers, partitioner, virtualNodes, 0);
    }
  }

  /**
   * A change of the job's servers under way (server flex), as the AM tells each container in its
   * heartbeat answers. {@code layout} numbers the change (the views after it carry it). Workers
   * get {@code PAUSE}: send no more pushes or clocks, and say so once none is in flight. Servers
   * get {@code PREPARE}: each of the {@code numServers} servers of the new layout fetches the keys
   * of its new ranges from the holders of the old ranges ({@code sources}, entry i: where old
   * range i is served) and the servers of the new layout are at {@code targets}; then
   * {@code COMMIT}: serve the new ranges from now on.
   */
  public record ViewChange(int layout, Phase phase, int numServers, ServerInfo[] sources, ServerInfo[] targets) {

    /** The steps of a change, in order. */
    public enum Phase { PAUSE, PREPARE, COMMIT }
  }

  /** Liveness and metrics of a container; answered with what it should do next. */
  public record Heartbeat(String containerId, HashMap<String, Double> metrics) {}

  /** What the AM tells a container in answer to a heartbeat. */
  public enum Command { CONTINUE, STOP }

  /**
   * The answer to a {@link Heartbeat}; to a server, also the clock the AM asks it to cut a
   * checkpoint at ({@code checkpointAt}, -1 for none), for checkpoints every so many seconds; to
   * any container, a change of the servers under way ({@code change}, null for none), and on a
   * Kerberos cluster the job's renewed delegation tokens ({@code tokens}: Hadoop's token storage
   * format, once a container after each renewal; null for none).
   */
  public record HeartbeatReply(Command command, int checkpointAt, HashMap<String, String> logLevels, ViewChange change,
      byte[] tokens) {

    public HeartbeatReply(Command command) {
      this(command, -1, null, null, null);
    }

    public HeartbeatReply(Command command, int checkpointAt) {
      this(command, checkpointAt, null, null, null);
    }

    public HeartbeatReply(Command command, int checkpointAt, HashMap<String, String> logLevels) {
      this(command, checkpointAt, logLevels, null, null);
    }
  }

  /**
   * The owner sets {@code logger}'s level at run time in the AM and the containers of
   * {@code role} (null: every one) and {@code index} (-1: every one), as Hadoop's daemons do
   * through {@code /logLevel}; answered with {@link LogLevelReply}.
   */
  public record LogLevel(String logger, String level, String role, int index, String by) {}

  /** Where a {@link LogLevel} was set: the AM (or not) and the containers it goes to with their next heartbeat. */
  public record LogLevelReply(boolean am, int containers) {}

  /** Waits until every worker has reached the barrier of this name; answered with {@link Ack}. */
  public record Barrier(String name, String containerId) {}

  /** A worker's final result: the app's, as JSON, and its data plane figures; after the answer it exits 0. */
  public record Finished(String containerId, String result, HashMap<String, Double> figures) {}

  /**
   * The job's owner asks the AM to end the job as KILLED: it stops every container and writes its
   * report; {@code by} says who, for the diagnostics.
   */
  public record Kill(String by) {}

  /** The job's owner asks for {@code instances} containers of {@code role} from now on. */
  public record Flex(String role, int instances, String by) {}

  /**
   * A worker asks for its next piece of work, having finished {@code finished} (-1 for none);
   * answered with {@link PieceReply} once there is one (or all are done).
   */
  public record NextPiece(String containerId, int finished) {}

  /** The piece to work on next; -1 when every piece of the job is done. */
  public record PieceReply(int piece) {}

  /** The answer to {@link Flex}: the role's desired and running containers once the request is taken. */
  public record FlexReply(String role, int desired, int running) {}

  /** The answer to a request that returns nothing. */
  public record Ack() {}
}
