package dev.psyarn.cli;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.yarn.api.records.ApplicationId;
import org.apache.hadoop.yarn.client.api.YarnClient;

/** Opening a YARN client for one command, and reading application ids the user typed. */
final class YarnCommands {

  private YarnCommands() {}

  interface YarnAction<T> {
    T run(YarnClient yarn) throws Exception;
  }

  static <T> T withYarn(Configuration conf, YarnAction<T> action) throws Exception {
    Configuration bounded = bounded(conf);
    try (YarnClient yarn = YarnClient.createYarnClient()) {
      yarn.init(bounded);
      yarn.start();
      return action.run(yarn);
    } catch (java.net.ConnectException | java.net.SocketTimeoutException | java.net.NoRouteToHostException
        | java.net.UnknownHostException e) {
      throw unreachable(bounded, e);
    }
  }

  /**
   * {@code conf} with the ResourceManager's connection bounded by
   * {@code psyarn.client.rm-timeout-seconds}: Hadoop's defaults retry for 15 minutes (and each
   * IPC connect 10 times, or 45 on timeouts) before a command could say that the cluster is gone.
   */
  static Configuration bounded(Configuration conf) {
    Configuration bounded = new Configuration(conf);
    long timeoutMs = 1000L * conf.getInt(dev.psyarn.PsyarnConfig.CLIENT_RM_TIMEOUT_SECONDS,
        dev.psyarn.PsyarnConfig.CLIENT_RM_TIMEOUT_SECONDS_DEFAULT);
    bounded.setLong(org.apache.hadoop.yarn.conf.YarnConfiguration.RESOURCEMANAGER_CONNECT_MAX_WAIT_MS, timeoutMs);
    bounded.setLong(org.apache.hadoop.yarn.conf.YarnConfiguration.RESOURCEMANAGER_CONNECT_RETRY_INTERVAL_MS,
        Math.min(1000, timeoutMs));
    bounded.setInt("ipc.client.connect.max.retries", 0);
    bounded.setInt("ipc.client.connect.max.retries.on.timeouts", 0);
    bounded.setInt("ipc.client.connect.timeout", (int) Math.min(5000, timeoutMs));
    return bounded;
  }

  /** The ResourceManager did not answer within the bound: what to check, as an I/O failure (exit 5). */
  static java.io.IOException unreachable(Configuration conf, Exception cause) {
    return new java.io.IOException("cannot reach the ResourceManager at "
        + conf.get(org.apache.hadoop.yarn.conf.YarnConfiguration.RM_ADDRESS) + " within "
        + conf.getLong(org.apache.hadoop.yarn.conf.YarnConfiguration.RESOURCEMANAGER_CONNECT_MAX_WAIT_MS, 0) / 1000
        + " s (" + dev.psyarn.PsyarnConfig.CLIENT_RM_TIMEOUT_SECONDS + "; is it running, and is "
        + "yarn.resourcemanager.address right?): " + cause.getMessage(), cause);
  }

  static ApplicationId appId(String given) {
    try {
      return ApplicationId.fromString(given);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("\"" + given + "\" is not an application id "
          + "(expected application_<clusterTimestamp>_<number>)");
    }
  }
}
