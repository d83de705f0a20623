package dev.psyarn.mapreduce.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.psyarn.mapreduce.preprocess.PreprocessSpec;
import dev.psyarn.specs.SpecNode;
import org.apache.hadoop.mapred.JobConf;
import org.junit.jupiter.api.Test;

/** When the preprocessing jobs ask MapReduce to run a one-split job inside its AM, and when not. */
class SmallJobsInTheirAmTest {

  private static final String SECTION = """
      input: /in.csv
      format: csv
      label: "y == 1"
      split: {testFraction: 0.2}
      features: [{name: a, column: a}]
      """;

  private static PreprocessSpec spec(String yaml) throws Exception {
    return PreprocessSpec.read(SpecNode.root(new ObjectMapper(new YAMLFactory()).readTree(yaml)));
  }

  @Test
  void mapReducesOwnDefaultsGiveWayToOneSplitUberJobs() throws Exception {
    JobConf conf = new JobConf(); // mapred-default.xml: uber off, up to 9 maps
    assertFalse(ClusterJobSettings.setByUser(conf, ClusterJobSettings.UBER), "mapred-default.xml is not the user");
    ClusterJobSettings.smallJobsInTheirAm(conf, spec(SECTION));
    assertTrue(conf.getBoolean(ClusterJobSettings.UBER, false));
    assertEquals(1, conf.getInt(ClusterJobSettings.UBER_MAX_MAPS, 9), "one split only: more keep their maps side by side");
  }

  @Test
  void theMapTasksJitFlagsComeBeforeTheUsersOwnOptionsOrNotAtAll() {
    JobConf none = new JobConf();
    none.unset(ClusterJobSettings.MAP_JAVA_OPTS);
    none.set("mapred.child.java.opts", "");
    ClusterJobSettings.mapJvmFlags(none);
    assertEquals(ClusterJobSettings.MAP_JVM_FLAGS_DEFAULT, none.get(ClusterJobSettings.MAP_JAVA_OPTS));

    JobConf users = new JobConf();
    users.set(ClusterJobSettings.MAP_JAVA_OPTS, "-Xmx760m -XX:Tier4InvocationThreshold=5000");
    ClusterJobSettings.mapJvmFlags(users);
    assertEquals(ClusterJobSettings.MAP_JVM_FLAGS_DEFAULT + " -Xmx760m -XX:Tier4InvocationThreshold=5000",
        users.get(ClusterJobSettings.MAP_JAVA_OPTS), "the user's flags come last, so they win");

    JobConf child = new JobConf();
    child.unset(ClusterJobSettings.MAP_JAVA_OPTS);
    child.set("mapred.child.java.opts", "-Xmx300m");
    ClusterJobSettings.mapJvmFlags(child);
    assertEquals(ClusterJobSettings.MAP_JVM_FLAGS_DEFAULT + " -Xmx300m", child.get(ClusterJobSettings.MAP_JAVA_OPTS),
        "MapReduce's fallback is kept");

    JobConf off = new JobConf();
    off.set(ClusterJobSettings.MAP_JAVA_OPTS, "-Xmx760m");
    off.set(ClusterJobSettings.MAP_JVM_FLAGS, " ");
    ClusterJobSettings.mapJvmFlags(off);
    assertEquals("-Xmx760m", off.get(ClusterJobSettings.MAP_JAVA_OPTS), "an empty setting adds nothing");
  }

  @Test
  void theMapReduceAmGetsTheSameFlagsBeforeItsOwnOptionsOrItsOwnSetting() {
    JobConf defaults = new JobConf();
    defaults.unset(ClusterJobSettings.AM_COMMAND_OPTS);
    ClusterJobSettings.amJvmFlags(defaults);
    assertEquals(ClusterJobSettings.MAP_JVM_FLAGS_DEFAULT + " -Xmx1024m", defaults.get(ClusterJobSettings.AM_COMMAND_OPTS),
        "MapReduce's default heap for its AM is kept");

    JobConf users = new JobConf();
    users.set(ClusterJobSettings.AM_COMMAND_OPTS, "-Xmx760m -XX:+UseSerialGC");
    ClusterJobSettings.amJvmFlags(users);
    assertEquals(ClusterJobSettings.MAP_JVM_FLAGS_DEFAULT + " -Xmx760m -XX:+UseSerialGC",
        users.get(ClusterJobSettings.AM_COMMAND_OPTS), "the user's flags come last, so they win");

    JobConf own = new JobConf();
    own.set(ClusterJobSettings.AM_COMMAND_OPTS, "-Xmx760m");
    own.set(ClusterJobSettings.AM_JVM_FLAGS, "-XX:TieredStopAtLevel=1");
    own.set(ClusterJobSettings.MAP_JVM_FLAGS, "-XX:+UseSerialGC");
    ClusterJobSettings.amJvmFlags(own);
    assertEquals("-XX:TieredStopAtLevel=1 -Xmx760m", own.get(ClusterJobSettings.AM_COMMAND_OPTS),
        "the AM's own setting, not the map tasks'");

    JobConf off = new JobConf();
    off.set(ClusterJobSettings.AM_COMMAND_OPTS, "-Xmx760m");
    off.set(ClusterJobSettings.AM_JVM_FLAGS, "");
    ClusterJobSettings.amJvmFlags(off);
    assertEquals("-Xmx760m", off.get(ClusterJobSettings.AM_COMMAND_OPTS), "an empty setting adds nothing");
  }

  @Test
  void whatTheUserSetStands() throws Exception {
    JobConf off = new JobConf();
    off.setBoolean(ClusterJobSettings.UBER, false);
    ClusterJobSettings.smallJobsInTheirAm(off, spec(SECTION));
    assertFalse(off.getBoolean(ClusterJobSettings.UBER, true));

    JobConf maps = new JobConf();
    maps.setInt(ClusterJobSettings.UBER_MAX_MAPS, 4);
    ClusterJobSettings.smallJobsInTheirAm(maps, spec(SECTION));
    assertTrue(maps.getBoolean(ClusterJobSettings.UBER, false));
    assertEquals(4, maps.getInt(ClusterJobSettings.UBER_MAX_MAPS, 9));
  }

  @Test
  void tasksInAnImageNeverRunInTheAmsContainer() throws Exception {
    JobConf conf = new JobConf();
    ClusterJobSettings.smallJobsInTheirAm(conf, spec(SECTION + "runtime: {type: docker, image: psyarn/tasks:1}\n"));
    assertFalse(conf.getBoolean(ClusterJobSettings.UBER, false));
    assertFalse(ClusterJobSettings.setByUser(conf, ClusterJobSettings.UBER), "left as MapReduce's default");
    assertFalse(ClusterJobSettings.setByUser(conf, ClusterJobSettings.UBER_MAX_MAPS), "left as MapReduce's default");
  }

  @Test
  void inProcessJobsRunOnLocalJobRunnerWithTheirFilesUnderTheWorkDirAndASortBufferTheHeapHolds() {
    org.apache.hadoop.conf.Configuration conf = new org.apache.hadoop.conf.Configuration(false);
    conf.set("mapreduce.framework.name", "yarn");
    conf.setInt("mapreduce.task.io.sort.mb", 1 << 16);
    assertFalse(Preprocess.inProcess(conf));
    org.apache.hadoop.conf.Configuration here = Preprocess.inProcess(conf, 2, "/tmp/work");
    assertTrue(Preprocess.inProcess(here));
    assertEquals("yarn", conf.get("mapreduce.framework.name"), "the caller's configuration is left alone");
    assertEquals(2, here.getInt("mapreduce.local.map.tasks.maximum", 0));
    assertEquals("/tmp/work/local", here.get("mapreduce.cluster.local.dir"));
    assertEquals("/tmp/work/staging", here.get("mapreduce.jobtracker.staging.root.dir"));
    long quarterPerTask = Runtime.getRuntime().maxMemory() / 4 / 2 >> 20;
    assertEquals(Math.max(16, quarterPerTask), here.getInt("mapreduce.task.io.sort.mb", 0),
        "two tasks' sort buffers in a quarter of the heap");
    conf.setInt("mapreduce.task.io.sort.mb", 8);
    assertEquals(8, Preprocess.inProcess(conf, 1, "/w").getInt("mapreduce.task.io.sort.mb", 0), "a smaller one stands");
    assertEquals(1, Preprocess.inProcess(conf, 0, "/w").getInt("mapreduce.local.map.tasks.maximum", 0), "one at least");
    assertEquals(500, here.getLong("mapreduce.task.progress-report.interval", 0), "progress twice a second");
  }
}
