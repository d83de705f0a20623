package dev.psyarn.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.psyarn.spec.JobSpec;
import dev.psyarn.spec.JobSpecParser;
import java.util.List;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;

class JobTokensTest {

  @Test
  void everyFileSystemTheSpecNamesIsAskedForATokenAndNothingThatIsNotOne() throws Exception {
    JobSpec spec = JobSpecParser.parse("""
        name: t
        roles:
          server: {instances: 1, memory: 256m, localize: [{source: "webhdfs://vol:9870/v/dict.txt", name: dict.txt}]}
          worker: {instances: 2, memory: 256m}
        app: {type: sparse-lr, data: "s3a://data/flights.parquet", model: "file:///tmp/m1"}
        checkpoint: {everyClocks: 5, dir: "hdfs://ckpt:8020/ckpt"}
        resumeFrom: "viewfs://cluster/ckpt/application_1_0001"
        preprocess:
          input: "hdfs://raw:8020/clicks.csv"
          output: "hdfs://out:8020/pre"
          format: {type: csv, header: true}
          label: "clicked == 1"
          split: {testFraction: 0.2}
          features:
            - {name: c, column: country}
        """);
    List<String> named = JobTokens.namedPaths(spec, new Path("hdfs://nn:8020/user/alice/.psyarn/app_1")).stream()
        .map(Path::toString).toList();
    assertEquals(List.of("hdfs://nn:8020/user/alice/.psyarn/app_1", "hdfs://raw:8020/clicks.csv", "hdfs://out:8020/pre",
        "hdfs://ckpt:8020/ckpt", "viewfs://cluster/ckpt/application_1_0001", "webhdfs://vol:9870/v/dict.txt",
        "s3a://data/flights.parquet"), named);
  }
}
