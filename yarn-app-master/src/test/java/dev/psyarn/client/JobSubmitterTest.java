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

  @Test
  void aWorkersAtProgressOutsideZeroToOneIsRefusedBeforeAnythingIsSubmitted() {
    Configuration conf = new Configuration(false);
    assertEquals(0.9f, PsyarnConfig.workersAtProgress(conf, 0.9f), "unset: the default");
    conf.set(PsyarnConfig.WORKERS_AT_PROGRESS, " 0.5 ");
    assertEquals(0.5f, PsyarnConfig.workersAtProgress(conf, 0.9f));
    for (String bad : List.of("1.5", "-0.1", "soon", "NaN")) {
      conf.set(PsyarnConfig.WORKERS_AT_PROGRESS, bad);
      IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
          () -> new JobSubmitter(conf, null, null).submit(JobSpecParser.parse(SPEC), SPEC, java.nio.file.Path.of("x.jar")),
          "refused before the cluster is asked anything (it is null here): " + bad);
      org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains(PsyarnConfig.WORKERS_AT_PROGRESS)
          && e.getMessage().contains(bad), e.getMessage());
    }
  }
}
