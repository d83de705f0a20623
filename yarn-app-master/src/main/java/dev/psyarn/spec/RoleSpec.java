package dev.psyarn.spec;

import dev.psyarn.runtime.JvmProfile;
import dev.psyarn.runtime.ResourceAsk;
import dev.psyarn.runtime.RuntimeSpec;
import dev.psyarn.runtime.Volume;
import java.util.List;
import java.util.Map;

/**
 * How many containers of one role to run and what each gets.
 *
 * @param instances containers of this role
 * @param resources memory and vcores of each
 * @param jvmOptions extra JVM options, after the heap setting
 * @param environment extra environment variables
 * @param runtime native, docker or runc
 * @param volumes files and archives localized into each container
 * @param placement node label and per-node limits
 * @param restart what the AM does when one of its containers ends before the job is done
 * @param liveness how long the AM waits on its containers' heartbeats, registration and allocation
 * @param jvmProfile how its JVMs compile and collect (the flags go before {@code jvmOptions})
 */
public record RoleSpec(int instances, ResourceAsk resources, List<String> jvmOptions,
    Map<String, String> environment, RuntimeSpec runtime, List<Volume> volumes, Placement placement,
    RestartPolicy restart, Liveness liveness, JvmProfile jvmProfile) {

  public RoleSpec(int instances, ResourceAsk resources, List<String> jvmOptions, Map<String, String> environment) {
    this(instances, resources, jvmOptions, environment, RuntimeSpec.NATIVE, List.of(), Placement.ANYWHERE,
        RestartPolicy.NEVER, Liveness.DEFAULT, JvmProfile.QUICK);
  }

  /** The JVM options of its containers: the profile's flags, then the spec's {@code jvmOptions}. */
  public List<String> containerJvmOptions() {
    return jvmProfile.withUserOptions(jvmOptions);
  }

  public RoleSpec {
    if (instances < 1) {
      throw new IllegalArgumentException("instances must be at least 1, got " + instances);
    }
    jvmOptions = List.copyOf(jvmOptions);
    environment = Map.copyOf(environment);
    volumes = List.copyOf(volumes);
  }
}
