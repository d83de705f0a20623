package dev.psyarn.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.psyarn.PsyarnConfig;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;

class JobSubmitterTest {

  @Test
  void theAmGetsTheClustersExtraJvmOptionsAfterItsOwn() {
    Configuration conf = new Configuration(false);
    assertEquals(List.of("-Dlog4j.configuration=psyarn-log4j.properties"), JobSubmitter.amJvmOptions(conf));
    conf.set(PsyarnConfig.AM_JAVA_OPTS, "  -XX:TieredStopAtLevel=1 \t -XX:+UseSerialGC\n");
    assertEquals(List.of("-Dlog4j.configuration=psyarn-log4j.properties", "-XX:TieredStopAtLevel=1",
        "-XX:+UseSerialGC"), JobSubmitter.amJvmOptions(conf));
  }
}
