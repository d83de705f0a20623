package dev.psyarn.mapreduce.jobs;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What preprocessing did: rows read and written per split, bad records, label balance, distinct
 * features before and after the count filter, the key space and each job's id and seconds.
 *
 * @param output the directory holding {@code stats/}, {@code shards/} and {@code preprocess.json}
 * @param shards the shard directory workers read
 * @param keySpace keys in shards are below this
 * @param figures the figures, by name, in the order they are reported
 * @param jobs each MapReduce job: name, id, seconds
 */
public record PreprocessReport(String output, String shards, long keySpace, Map<String, Object> figures,
    List<Map<String, Object>> jobs) {

  /** The report as one map, as {@code preprocess.json} and the run report show it. */
  public Map<String, Object> toMap() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("output", output);
    out.put("shards", shards);
    out.put("keySpace", keySpace);
    out.putAll(figures);
    out.put("jobs", jobs);
    return out;
  }
}
