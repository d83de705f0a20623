package dev.psyarn.am;

import dev.psyarn.ps.container.LogLevels;
import dev.psyarn.ps.wire.ControlMessages.LogLevel;
import dev.psyarn.ps.wire.ControlMessages.LogLevelReply;
import dev.psyarn.spec.Role;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Log levels the owner sets at run time ({@code psyarn debug --log-level}): set in the AM at once
 * and handed to each chosen container with its next heartbeat answer. Event thread only.
 */
final class LogLevelRelay {

  private static final Logger LOG = LoggerFactory.getLogger(LogLevelRelay.class);

  private final Map<String, HashMap<String, String>> pending = new HashMap<>();

  /** Sets the level where the request says; the running containers of the chosen role and index get it next. */
  LogLevelReply set(LogLevel request, Collection<TrackedContainer> running) {
    if (request.logger() == null || request.logger().isBlank()) {
      throw new IllegalArgumentException("name a logger (such as dev.psyarn, or root)");
    }
    String level = LogLevels.checked(request.level());
    // The AM is index 0 of role am, and one of every container when no role is named.
    boolean am = (request.role() == null || request.role().equals("am")) && request.index() <= 0;
    if (am) {
      LogLevels.apply(Map.of(request.logger(), level));
    }
    int containers = 0;
    for (TrackedContainer c : running) {
      boolean roleMatches = request.role() == null || request.role().equals(c.role().specName());
      if (roleMatches && (request.index() < 0 || request.index() == c.index())) {
        pending.computeIfAbsent(c.id(), id -> new HashMap<>()).put(request.logger(), level);
        containers++;
      }
    }
    LOG.info("{} sets the log level of {} to {} in {}{} containers", request.by(), request.logger(), level,
        am ? "the AM and " : "", containers);
    return new LogLevelReply(am, containers);
  }

  /** The levels to hand this container now, or null. */
  HashMap<String, String> take(String containerId) {
    return pending.remove(containerId);
  }

  /** Whether a role's name is one the relay knows. */
  static boolean knownRole(String role) {
    return role == null || role.equals("am") || java.util.Arrays.stream(Role.values()).anyMatch(r -> r.specName().equals(role));
  }
}
