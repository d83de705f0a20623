package dev.psyarn.spec;

import dev.psyarn.runtime.ResourceAsk;
import java.util.List;
import java.util.Map;

/**
 * How many containers of one role to run and what each gets.
 *
 * @param instances containers of this role
 * @param resources memory and vcores of each
 * @param jvmOptions extra JVM options, after the heap setting
 * @param environment extra environment variables
 */
public record RoleSpec(int instances, ResourceAsk resources, List<String> jvmOptions,
    Map<String, String> environment) {

  public RoleSpec {
    if (instances < 1) {
      throw new IllegalArgumentException("instances must be at least 1, got " + instances);
    }
    jvmOptions = List.copyOf(jvmOptions);
    environment = Map.copyOf(environment);
  }
}
