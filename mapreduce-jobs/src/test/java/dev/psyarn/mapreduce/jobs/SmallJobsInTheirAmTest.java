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
    assertFalse(Preprocess.setByUser(conf, Preprocess.UBER), "mapred-default.xml is not the user");
    Preprocess.smallJobsInTheirAm(conf, spec(SECTION));
    assertTrue(conf.getBoolean(Preprocess.UBER, false));
    assertEquals(1, conf.getInt(Preprocess.UBER_MAX_MAPS, 9), "one split only: more keep their maps side by side");
  }

  @Test
  void whatTheUserSetStands() throws Exception {
    JobConf off = new JobConf();
    off.setBoolean(Preprocess.UBER, false);
    Preprocess.smallJobsInTheirAm(off, spec(SECTION));
    assertFalse(off.getBoolean(Preprocess.UBER, true));

    JobConf maps = new JobConf();
    maps.setInt(Preprocess.UBER_MAX_MAPS, 4);
    Preprocess.smallJobsInTheirAm(maps, spec(SECTION));
    assertTrue(maps.getBoolean(Preprocess.UBER, false));
    assertEquals(4, maps.getInt(Preprocess.UBER_MAX_MAPS, 9));
  }

  @Test
  void tasksInAnImageNeverRunInTheAmsContainer() throws Exception {
    JobConf conf = new JobConf();
    Preprocess.smallJobsInTheirAm(conf, spec(SECTION + "runtime: {type: docker, image: psyarn/tasks:1}\n"));
    assertFalse(conf.getBoolean(Preprocess.UBER, false));
    assertFalse(Preprocess.setByUser(conf, Preprocess.UBER), "left as MapReduce's default");
    assertFalse(Preprocess.setByUser(conf, Preprocess.UBER_MAX_MAPS), "left as MapReduce's default");
  }
}
