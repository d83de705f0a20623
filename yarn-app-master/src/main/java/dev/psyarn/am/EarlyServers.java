package dev.psyarn.am;

import dev.psyarn.runtime.ResourceAsk;
import dev.psyarn.spec.JobSpec;
import dev.psyarn.spec.Role;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.yarn.api.records.Resource;
import org.apache.hadoop.yarn.conf.YarnConfiguration;

/**
 * Whether the servers may be asked for while preprocessing runs, so that they have started by the
 * time the shards are written and only the workers remain to start. They may when the job's queue
 * can give them and still leave the preprocessing jobs what they need to go on: a MapReduce
 * ApplicationMaster and one task container ({@link #reserve}). Without that check, servers taken
 * early from a full queue could leave a MapReduce job waiting for containers that the servers hold
 * until it ends, and the servers would wait for it: a deadlock until someone kills the job. YARN's
 * headroom (what the queue can still give the application, as its last heartbeat said) is checked
 * every {@link #RECHECK_MS} while preprocessing runs; a job whose AM may be retried does not start
 * servers early (a next attempt would run preprocessing again without the journal of them).
 */
final class EarlyServers {

  /** The first look, once the AM has had a heartbeat's answer from the ResourceManager. */
  static final long FIRST_CHECK_MS = 1_000;
  static final long RECHECK_MS = 2_000;

  /**
   * With the stage in the AM, the workers are asked for once its progress reaches this
   * ({@link dev.psyarn.PsyarnConfig#WORKERS_AT_PROGRESS}): they then register about when it ends.
   * Asked for earlier, their JVMs' starts beside the AM's map threads slowed the stage by as much as
   * they saved (docs/benchmarks.md).
   */
  static final float WORKERS_AT = 0.9f;

  private final Resource reserve;
  private final int minimumMb;
  private final float workersAt;

  /**
   * @param reserve what the preprocessing jobs need to go on
   * @param minimumMb the scheduler's minimum allocation, which every container's memory is rounded up to
   */
  EarlyServers(Resource reserve, int minimumMb) {
    this(reserve, minimumMb, WORKERS_AT);
  }

  private EarlyServers(Resource reserve, int minimumMb, float workersAt) {
    this.reserve = reserve;
    this.minimumMb = minimumMb;
    this.workersAt = workersAt;
  }

  /**
   * The check for preprocessing jobs sized by {@code conf}: MapReduce's ApplicationMaster and its
   * largest task container, each rounded up to the scheduler's minimum allocation.
   */
  static EarlyServers forJobs(Configuration conf) {
    int minimum = conf.getInt(YarnConfiguration.RM_SCHEDULER_MINIMUM_ALLOCATION_MB,
        YarnConfiguration.DEFAULT_RM_SCHEDULER_MINIMUM_ALLOCATION_MB);
    long am = roundUp(conf.getInt("yarn.app.mapreduce.am.resource.mb", 1536), minimum);
    long task = roundUp(Math.max(conf.getInt("mapreduce.map.memory.mb", 1024),
        conf.getInt("mapreduce.reduce.memory.mb", 1024)), minimum);
    int vcores = conf.getInt("yarn.app.mapreduce.am.resource.cpu-vcores", 1)
        + Math.max(conf.getInt("mapreduce.map.cpu.vcores", 1), conf.getInt("mapreduce.reduce.cpu.vcores", 1));
    return new EarlyServers(Resource.newInstance(am + task, vcores), minimum);
  }

  /**
   * The check for preprocessing jobs that run inside the AM: they need no container, so the servers
   * start as soon as the queue holds them.
   */
  static EarlyServers nothingReserved(Configuration conf) {
    float at = dev.psyarn.PsyarnConfig.workersAtProgress(conf, WORKERS_AT); // checked by the client before submission
    return new EarlyServers(Resource.newInstance(0, 0), conf.getInt(YarnConfiguration.RM_SCHEDULER_MINIMUM_ALLOCATION_MB,
        YarnConfiguration.DEFAULT_RM_SCHEDULER_MINIMUM_ALLOCATION_MB), at);
  }

  /** Whether a job of this spec may start its servers before preprocessing ends at all (one AM attempt). */
  static boolean allowed(JobSpec spec) {
    return spec.maxAppAttempts() == 1;
  }

  /** Whether {@code headroom} holds every server and the reserve besides; false when it is not known yet. */
  boolean fit(JobSpec spec, Resource headroom) {
    if (headroom == null) {
      return false;
    }
    ResourceAsk server = spec.role(Role.SERVER).resources();
    int n = spec.role(Role.SERVER).instances();
    long memory = n * roundUp(server.memoryMb(), minimumMb) + reserve.getMemorySize();
    long vcores = (long) n * server.vcores() + reserve.getVirtualCores();
    return headroom.getMemorySize() >= memory && headroom.getVirtualCores() >= vcores;
  }

  /**
   * Whether the workers are asked for early too: when the preprocessing jobs need no container (they
   * run in the AM), a worker started beside the servers waits at the data gate
   * ({@link ClusterDirectory#holdData(boolean)}) until the shards are written, its JVM's start off the path.
   */
  boolean workersToo() {
    return reserve.getMemorySize() == 0 && reserve.getVirtualCores() == 0;
  }

  /** The stage's progress (0 to 1) at which the workers are asked for, when {@link #workersToo}. */
  float workersAt() {
    return workersAt;
  }

  /** What the preprocessing jobs are left at least. */
  Resource reserve() {
    return reserve;
  }

  private static long roundUp(long mb, int minimum) {
    return minimum <= 0 ? mb : (mb + minimum - 1) / minimum * minimum;
  }
}
