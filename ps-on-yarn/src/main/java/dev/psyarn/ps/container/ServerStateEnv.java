package dev.psyarn.ps.container;

import java.util.HashMap;
import java.util.Map;

/**
 * What a server container is told about its state beyond the wiring of {@link PsContainerEnv}:
 * where the job's checkpoints go and how often, and a checkpoint to start from.
 *
 * @param checkpointDir this job's checkpoint root ("" for none)
 * @param everyClocks a checkpoint every this many clock ticks (0: none)
 * @param keep how many complete checkpoints to keep
 * @param resumeFrom a checkpoint (directory or root) to start from, "" for none
 * @param partitioner how keys map onto servers, to take this server's keys from a checkpoint of any
 *     number of servers
 * @param virtualNodes the partitioner's points per server
 * @param replication how many servers after each range's own hold it too
 * @param initialModel a model file its tables start from, as "table:path" ("" for none)
 */
public record ServerStateEnv(String checkpointDir, int everyClocks, int keep, String resumeFrom, String partitioner,
    int virtualNodes, int replication, String initialModel) {

  /** No checkpoints, no warm start, no replicas. */
  public static final ServerStateEnv NONE = new ServerStateEnv("", 0, 1, "", "consistent-hash", 1, 0, "");

  public static final String CHECKPOINT_DIR = "PSYARN_CHECKPOINT_DIR";
  public static final String CHECKPOINT_EVERY = "PSYARN_CHECKPOINT_EVERY_CLOCKS";
  public static final String CHECKPOINT_KEEP = "PSYARN_CHECKPOINT_KEEP";
  public static final String RESUME_FROM = "PSYARN_RESUME_FROM";
  public static final String PARTITIONER = "PSYARN_PARTITIONER";
  public static final String VIRTUAL_NODES = "PSYARN_VIRTUAL_NODES";
  public static final String REPLICATION = "PSYARN_REPLICATION";
  public static final String INITIAL_MODEL = "PSYARN_INITIAL_MODEL";
  /** Set for a server that a flex adds to a running job: it starts with no keys (the value: the change's number). */
  public static final String JOINS = "PSYARN_SERVER_JOINS";

  public boolean checkpoints() {
    return !checkpointDir.isEmpty();
  }

  public Map<String, String> toMap() {
    Map<String, String> env = new HashMap<>();
    env.put(CHECKPOINT_DIR, checkpointDir);
    env.put(CHECKPOINT_EVERY, Integer.toString(everyClocks));
    env.put(CHECKPOINT_KEEP, Integer.toString(keep));
    env.put(RESUME_FROM, resumeFrom);
    env.put(PARTITIONER, partitioner);
    env.put(VIRTUAL_NODES, Integer.toString(virtualNodes));
    env.put(REPLICATION, Integer.toString(replication));
    env.put(INITIAL_MODEL, initialModel);
    env.values().removeIf(String::isEmpty); // what is not set reads as ""
    return env;
  }

  /** Reads it from a server's environment; a container launched without it has {@link #NONE}. */
  public static ServerStateEnv from(Map<String, String> env) {
    if (!env.containsKey(PARTITIONER)) {
      return NONE;
    }
    return new ServerStateEnv(env.getOrDefault(CHECKPOINT_DIR, ""),
        Integer.parseInt(env.getOrDefault(CHECKPOINT_EVERY, "0")),
        Integer.parseInt(env.getOrDefault(CHECKPOINT_KEEP, "1")),
        env.getOrDefault(RESUME_FROM, ""),
        env.get(PARTITIONER),
        Integer.parseInt(env.getOrDefault(VIRTUAL_NODES, "1")),
        Integer.parseInt(env.getOrDefault(REPLICATION, "0")),
        env.getOrDefault(INITIAL_MODEL, ""));
  }
}
