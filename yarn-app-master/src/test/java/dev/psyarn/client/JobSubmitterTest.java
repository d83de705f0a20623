package dev.psyarn.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.psyarn.PsyarnConfig;
import dev.psyarn.spec.JobSpec;
import dev.psyarn.spec.JobSpecParser;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;

class JobSubmitterTest {

  private static final String SPEC = "name: t\nroles: {server: {instances: 1}, worker: {instances: 1}}\napp: {type: counter}\n";

  @Test
  void theAmGetsItsProfilesFlagsThenTheClustersExtraJvmOptions() {
    JobSpec quick = JobSpecParser.parse(SPEC);
    JobSpec peak = JobSpecParser.parse(SPEC + "am: {jvmProfile: peak}\n");
    Configuration conf = new Configuration(false);
    assertEquals(List.of("-Dlog4j.configuration=psyarn-log4j.properties"), JobSubmitter.amJvmOptions(peak, conf));
    assertEquals(List.of("-Dlog4j.configuration=psyarn-log4j.properties", "-XX:TieredStopAtLevel=1",
        "-XX:+UseSerialGC"), JobSubmitter.amJvmOptions(quick, conf));
    conf.set(PsyarnConfig.AM_JAVA_OPTS, "  -Xss2m \t -XX:+UseG1GC\n");
    assertEquals(List.of("-Dlog4j.configuration=psyarn-log4j.properties", "-Xss2m", "-XX:+UseG1GC"),
        JobSubmitter.amJvmOptions(peak, conf));
    assertEquals(List.of("-Dlog4j.configuration=psyarn-log4j.properties", "-XX:TieredStopAtLevel=1", "-Xss2m",
        "-XX:+UseG1GC"), JobSubmitter.amJvmOptions(quick, conf));
  }
}
