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
    try (YarnClient yarn = YarnClient.createYarnClient()) {
      yarn.init(conf);
      yarn.start();
      return action.run(yarn);
    }
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
