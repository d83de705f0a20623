package dev.psyarn.spec;

import java.util.Locale;

/**
 * The roles of a job, in start order: every server is allocated before any worker is asked for,
 * so workers find a complete cluster view.
 */
public enum Role {
  SERVER("dev.psyarn.ps.container.ServerMain"),
  WORKER("dev.psyarn.ps.container.WorkerMain");

  private final String mainClass;

  Role(String mainClass) {
    this.mainClass = mainClass;
  }

  /** The name used in specs, reports and the container environment. */
  public String specName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public String mainClass() {
    return mainClass;
  }

  /** The role with this spec name, or null. */
  public static Role bySpecName(String name) {
    for (Role role : values()) {
      if (role.specName().equals(name)) {
        return role;
      }
    }
    return null;
  }
}
