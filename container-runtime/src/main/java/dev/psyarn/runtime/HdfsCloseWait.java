package dev.psyarn.runtime;

import org.apache.hadoop.conf.Configuration;

/**
 * How long psyarn's HDFS clients first wait for the NameNode to complete a file they close. Closing
 * an HDFS file asks the NameNode to complete it, which it does once a DataNode has reported the
 * file's last block; the DataNode reports it as it acknowledges the last packet, so the client's
 * request often arrives first, and the client then sleeps {@value #DELAY_KEY} (HDFS's default 400
 * ms) before asking again. Measured on the embedded cluster: about half of all closes, of any size,
 * took 400 ms more than the others, and in one run of the preprocessing stage on 30 M rows the map
 * tasks slept 1.2 s and 0.8 s closing their shards and counts, the driver 0.4 s more closing its
 * merged counts or its report (docs/benchmarks.md). psyarn asks again after {@value #DELAY_MS} ms,
 * twice as late each time, {@value #RETRIES} times: 12.8 s in all before the close fails, as HDFS's
 * 400 ms five times over (12.4 s), so a slow NameNode is given as long as before, in a few more
 * requests.
 *
 * <p>A configuration that sets either key itself (a {@code hdfs-site.xml}, a {@code -D}, a job's
 * own configuration) keeps both as it has them: only HDFS's defaults are replaced.
 */
public final class HdfsCloseWait {

  /** HDFS's first wait before it asks the NameNode again to complete a file (or to add a block). */
  public static final String DELAY_KEY = "dfs.client.block.write.locateFollowingBlock.initial.delay.ms";
  /** How many times HDFS asks again, each wait twice the one before. */
  public static final String RETRIES_KEY = "dfs.client.block.write.locateFollowingBlock.retries";
  /** psyarn's first wait, in ms. */
  public static final int DELAY_MS = 25;
  /** psyarn's number of retries: 25 ms doubled 9 times waits 12.8 s in all. */
  public static final int RETRIES = 9;
  /** The source a value of ours is recorded under, as a job's configuration page shows it. */
  static final String SOURCE = "psyarn: " + HdfsCloseWait.class.getName();

  private HdfsCloseWait() {}

  /**
   * Sets psyarn's wait in {@code conf} unless it sets either key other than by HDFS's defaults;
   * returns {@code conf}. A file system's client keeps the settings of the configuration it was
   * made with: call this before the process's first {@code FileSystem.get}.
   */
  public static Configuration apply(Configuration conf) {
    // HDFS's own files, as HdfsConfiguration adds them (idempotent): a hdfs-site.xml that sets the
    // keys must be read before they are judged, not after our values are set over it.
    Configuration.addDefaultResource("hdfs-default.xml");
    Configuration.addDefaultResource("hdfs-site.xml");
    if (byDefault(conf, DELAY_KEY) && byDefault(conf, RETRIES_KEY)) {
      conf.set(DELAY_KEY, Integer.toString(DELAY_MS), SOURCE);
      conf.set(RETRIES_KEY, Integer.toString(RETRIES), SOURCE);
    }
    return conf;
  }

  /** Whether {@code key} is unset in {@code conf}, or set only by a {@code *-default.xml} of Hadoop's. */
  private static boolean byDefault(Configuration conf, String key) {
    String[] sources = conf.getPropertySources(key);
    if (sources == null) {
      return conf.get(key) == null;
    }
    for (String source : sources) {
      if (!source.endsWith("-default.xml") && !source.equals(SOURCE)) {
        return false;
      }
    }
    return true;
  }
}
