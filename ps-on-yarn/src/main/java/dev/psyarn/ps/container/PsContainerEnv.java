package dev.psyarn.ps.container;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

/**
 * The wiring the ApplicationMaster gives each server and worker container, and the only place the
 * names of those environment variables live. The secret is not here: it travels in the container's
 * credentials.
 *
 * @param role {@code server} or {@code worker}
 * @param index the container's index within its role, from 0
 * @param amHost the host of the AM's control plane
 * @param amPort its port
 * @param numServers servers in the job
 * @param numWorkers workers in the job
 * @param appJson the job's {@code app} section as JSON
 * @param heartbeatMs how often the container reports to the AM
 * @param amEndpoint the file where each AM attempt writes where it listens ("" when the job has one
 *     attempt: a lost AM then ends the container)
 * @param amPatienceSeconds how long the container waits for the AM's next attempt
 */
public record PsContainerEnv(String role, int index, String amHost, int amPort, int numServers,
    int numWorkers, String appJson, int heartbeatMs, String amEndpoint, int amPatienceSeconds) {

  /** Wiring for a job whose AM is not restarted. */
  public PsContainerEnv(String role, int index, String amHost, int amPort, int numServers, int numWorkers,
      String appJson, int heartbeatMs) {
    this(role, index, amHost, amPort, numServers, numWorkers, appJson, heartbeatMs, "", 0);
  }

  public static final String ROLE = "PSYARN_ROLE";
  public static final String INDEX = "PSYARN_INDEX";
  public static final String AM_HOST = "PSYARN_AM_HOST";
  public static final String AM_PORT = "PSYARN_AM_PORT";
  public static final String NUM_SERVERS = "PSYARN_NUM_SERVERS";
  public static final String NUM_WORKERS = "PSYARN_NUM_WORKERS";
  public static final String APP = "PSYARN_APP";
  public static final String HEARTBEAT_MS = "PSYARN_HEARTBEAT_MS";
  public static final String AM_ENDPOINT = "PSYARN_AM_ENDPOINT";
  public static final String AM_PATIENCE_SECONDS = "PSYARN_AM_PATIENCE_SECONDS";
  /** Set by YARN in every container. */
  public static final String CONTAINER_ID = "CONTAINER_ID";
  /** Set by YARN in every container: the NodeManager's host. */
  public static final String NM_HOST = "NM_HOST";

  /** The variables to put in a launch context. */
  public Map<String, String> toMap() {
    Map<String, String> env = new HashMap<>();
    env.put(ROLE, role);
    env.put(INDEX, Integer.toString(index));
    env.put(AM_HOST, amHost);
    env.put(AM_PORT, Integer.toString(amPort));
    env.put(NUM_SERVERS, Integer.toString(numServers));
    env.put(NUM_WORKERS, Integer.toString(numWorkers));
    env.put(APP, Base64.getEncoder().encodeToString(appJson.getBytes(StandardCharsets.UTF_8)));
    env.put(HEARTBEAT_MS, Integer.toString(heartbeatMs));
    if (!amEndpoint.isEmpty()) {
      env.put(AM_ENDPOINT, amEndpoint);
      env.put(AM_PATIENCE_SECONDS, Integer.toString(amPatienceSeconds));
    }
    return env;
  }

  /**
   * Reads the wiring from a container's environment.
   *
   * @throws IllegalStateException naming the variable that is missing or malformed
   */
  public static PsContainerEnv from(Map<String, String> env) {
    return new PsContainerEnv(
        require(env, ROLE),
        number(env, INDEX),
        require(env, AM_HOST),
        number(env, AM_PORT),
        number(env, NUM_SERVERS),
        number(env, NUM_WORKERS),
        decode(env, APP),
        number(env, HEARTBEAT_MS),
        env.getOrDefault(AM_ENDPOINT, ""),
        env.containsKey(AM_ENDPOINT) ? number(env, AM_PATIENCE_SECONDS) : 0);
  }

  private static String require(Map<String, String> env, String name) {
    String value = env.get(name);
    if (value == null || value.isEmpty()) {
      throw new IllegalStateException("environment variable " + name
          + " is not set: this program runs in containers that the psyarn AM launches");
    }
    return value;
  }

  /** JSON travels base64-encoded: YARN's launch script does not escape quotes in values. */
  private static String decode(Map<String, String> env, String name) {
    try {
      return new String(Base64.getDecoder().decode(require(env, name)), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException("environment variable " + name + " is not base64", e);
    }
  }

  private static int number(Map<String, String> env, String name) {
    String value = require(env, name);
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new IllegalStateException("environment variable " + name + " is not a number: " + value, e);
    }
  }
}
