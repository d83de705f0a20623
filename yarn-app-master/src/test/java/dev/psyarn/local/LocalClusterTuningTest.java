package dev.psyarn.local;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;

class LocalClusterTuningTest {

  /**
   * A file's close asks again soon for the one DataNode's block report (not HDFS's 400 ms for busy
   * clusters), and waits in all at least as long as HDFS's default before it fails.
   */
  @Test
  void closingAFileAsksAgainSoonAndWaitsAsLongInAll() {
    Configuration hdfsDefaults = new Configuration(false);
    hdfsDefaults.addResource("hdfs-default.xml");
    Configuration tuned = LocalCluster.tuned(new Configuration(hdfsDefaults));
    String first = org.apache.hadoop.hdfs.client.HdfsClientConfigKeys.BlockWrite.LOCATEFOLLOWINGBLOCK_INITIAL_DELAY_MS_KEY;
    String tries = org.apache.hadoop.hdfs.client.HdfsClientConfigKeys.BlockWrite.LOCATEFOLLOWINGBLOCK_RETRIES_KEY;
    int defaultFirst = hdfsDefaults.getInt(first, -1);
    assertTrue(defaultFirst >= 400, "HDFS's own first wait: " + defaultFirst);
    assertTrue(tuned.getInt(first, -1) <= 50, "the first wait: " + tuned.getInt(first, -1));
    long defaultTotal = (long) defaultFirst * ((1L << hdfsDefaults.getInt(tries, -1)) - 1);
    long tunedTotal = (long) tuned.getInt(first, -1) * ((1L << tuned.getInt(tries, -1)) - 1);
    assertTrue(tunedTotal >= defaultTotal, "all the waits: " + tunedTotal + " ms against HDFS's " + defaultTotal);
  }
}
