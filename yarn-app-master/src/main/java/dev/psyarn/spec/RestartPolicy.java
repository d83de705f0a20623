package dev.psyarn.spec;

import dev.psyarn.specs.SpecNode;
import java.util.Locale;

/**
 * When the AM replaces a role's container that ended before the job was done, as YARN Services'
 * component restart policies and Kubernetes' pod restart policies do.
 *
 * <p>Only failures that are the application's own count against {@code maxRestarts} (a non-zero
 * exit, a memory kill, a hang); a container lost to preemption, a lost node or failed disks is
 * replaced without counting, under any mode but {@link Mode#NEVER}.
 *
 * @param mode never, onFailure or always
 * @param maxRestarts how many counted failures of one role are replaced within {@code windowMs};
 *     one more fails the job
 * @param windowMs the sliding window over which failures are counted
 * @param backoffMs the delay before the first replacement is asked for; it doubles with each
 *     counted failure in the window
 * @param maxBackoffMs the delay's cap
 */
public record RestartPolicy(Mode mode, int maxRestarts, long windowMs, long backoffMs, long maxBackoffMs) {

  /** What the AM does when a container of the role ends before the job is done. */
  public enum Mode {
    /** Any lost container fails the job. */
    NEVER("never"),
    /** A failed container (non-zero exit, killed, lost, hung) is replaced; exit 0 before the work is done fails the job. */
    ON_FAILURE("onFailure"),
    /** Any container that ends before the job is done is replaced, exit 0 included. */
    ALWAYS("always");

    private final String specName;

    Mode(String specName) {
      this.specName = specName;
    }

    public String specName() {
      return specName;
    }

    static Mode of(SpecNode node, String field, String text) {
      for (Mode m : values()) {
        if (m.specName.equals(text)) {
          return m;
        }
      }
      throw node.error(field, "unknown restart policy \"" + text + "\"; use never, onFailure or always");
    }
  }

  public static final RestartPolicy NEVER = new RestartPolicy(Mode.NEVER, 0, 600_000, 1_000, 30_000);
  /** Workers' default: three counted failures in ten minutes, backoff from 1 s to 30 s. */
  public static final RestartPolicy WORKER_DEFAULT = new RestartPolicy(Mode.ON_FAILURE, 3, 600_000, 1_000, 30_000);

  public RestartPolicy {
    if (maxRestarts < 0 || windowMs <= 0 || backoffMs < 0 || maxBackoffMs < backoffMs) {
      throw new IllegalArgumentException("bad restart policy: " + maxRestarts + " restarts in " + windowMs
          + " ms, backoff " + backoffMs + "–" + maxBackoffMs + " ms");
    }
  }

  /** The delay before a replacement after {@code counted} failures in the window (the first is 1). */
  public long backoffAfter(int counted) {
    long delay = backoffMs;
    for (int i = 1; i < counted && delay < maxBackoffMs; i++) {
      delay *= 2;
    }
    return Math.min(delay, maxBackoffMs);
  }

  /**
   * Reads a role's {@code restart} section:
   * {@code {policy: onFailure, maxRestarts: 3, windowSeconds: 600, backoffSeconds: 1, maxBackoffSeconds: 30}}.
   */
  static RestartPolicy read(SpecNode role, Role which, boolean serversRecoverable) {
    RestartPolicy fallback = which == Role.WORKER || serversRecoverable ? WORKER_DEFAULT : NEVER;
    if (!role.has("restart")) {
      return fallback;
    }
    SpecNode node = role.object("restart");
    node.allowOnly("policy", "maxRestarts", "windowSeconds", "backoffSeconds", "maxBackoffSeconds");
    Mode mode = node.has("policy") ? Mode.of(node, "policy", node.text("policy")) : fallback.mode();
    if (which == Role.SERVER && mode != Mode.NEVER && !serversRecoverable) {
      throw node.error("policy", "a server can be restarted only when its key ranges can be restored: add "
          + "replication: 1 or a checkpoint section (checkpoint: {everyClocks: N}); without either a replacement would "
          + "start with empty ranges and the model would be wrong");
    }
    int max = node.integerOr("maxRestarts", WORKER_DEFAULT.maxRestarts(), 0, 10_000);
    long window = seconds(node, "windowSeconds", WORKER_DEFAULT.windowMs(), 1);
    long backoff = seconds(node, "backoffSeconds", WORKER_DEFAULT.backoffMs(), 0);
    long maxBackoff = seconds(node, "maxBackoffSeconds", Math.max(backoff, WORKER_DEFAULT.maxBackoffMs()), 0);
    if (maxBackoff < backoff) {
      throw node.error("maxBackoffSeconds", "must be at least backoffSeconds (" + backoff / 1000.0 + ")");
    }
    return new RestartPolicy(mode, max, window, backoff, maxBackoff);
  }

  /** A duration in seconds (decimals allowed) as milliseconds, at least {@code minMs}, at most a day. */
  static long seconds(SpecNode node, String field, long fallbackMs, long minMs) {
    if (!node.has(field)) {
      return fallbackMs;
    }
    double s = node.decimal(field, 0);
    if (!(s * 1000 >= minMs) || s > 86_400) {
      throw node.error(field, "must be between " + minMs / 1000.0 + " and 86400 seconds, got " + s);
    }
    return Math.round(s * 1000);
  }

  @Override
  public String toString() {
    return mode == Mode.NEVER ? "never" : String.format(Locale.ROOT, "%s, at most %d in %d s, backoff %.1f–%.1f s",
        mode.specName(), maxRestarts, windowMs / 1000, backoffMs / 1000.0, maxBackoffMs / 1000.0);
  }
}
