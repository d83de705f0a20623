package dev.psyarn.spec;

import dev.psyarn.specs.SpecNode;

/**
 * How long the AM waits on a role's containers before it treats one as failed, like a pod's
 * liveness and startup probes: its heartbeats stop (a hung or stopped JVM), it starts but never
 * registers, or YARN never allocates it.
 *
 * @param heartbeatTimeoutMs a registered container silent this long is killed as hung
 * @param registrationTimeoutMs a container allocated this long ago that has not registered is
 *     killed as never registered
 * @param allocationTimeoutMs an ask YARN has not satisfied for this long fails the job, naming the
 *     containers it waits for (so an all-or-nothing start never sits forever holding servers)
 */
public record Liveness(long heartbeatTimeoutMs, long registrationTimeoutMs, long allocationTimeoutMs) {

  public static final Liveness DEFAULT = new Liveness(60_000, 300_000, 1_800_000);

  public Liveness {
    if (heartbeatTimeoutMs <= 0 || registrationTimeoutMs <= 0 || allocationTimeoutMs <= 0) {
      throw new IllegalArgumentException("liveness timeouts must be positive");
    }
  }

  /**
   * Reads a role's {@code liveness} section:
   * {@code {heartbeatTimeoutSeconds: 60, registrationTimeoutSeconds: 300, allocationTimeoutSeconds: 1800}}.
   */
  static Liveness read(SpecNode role) {
    if (!role.has("liveness")) {
      return DEFAULT;
    }
    SpecNode node = role.object("liveness");
    node.allowOnly("heartbeatTimeoutSeconds", "registrationTimeoutSeconds", "allocationTimeoutSeconds");
    return new Liveness(
        RestartPolicy.seconds(node, "heartbeatTimeoutSeconds", DEFAULT.heartbeatTimeoutMs(), 1_000),
        RestartPolicy.seconds(node, "registrationTimeoutSeconds", DEFAULT.registrationTimeoutMs(), 1_000),
        RestartPolicy.seconds(node, "allocationTimeoutSeconds", DEFAULT.allocationTimeoutMs(), 1_000));
  }
}
