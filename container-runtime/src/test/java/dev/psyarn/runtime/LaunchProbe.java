package dev.psyarn.runtime;

/** The JVM {@link ClassDataSharingTest} starts through the launch script: it exits with its argument. */
public final class LaunchProbe {

  private LaunchProbe() {}

  public static void main(String[] args) {
    System.out.println("probe ran");
    System.exit(Integer.parseInt(args[0]));
  }
}
