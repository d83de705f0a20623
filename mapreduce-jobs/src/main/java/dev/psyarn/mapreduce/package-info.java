/**
 * Preprocessing as Hadoop {@code Tool}s: raw data on HDFS to per-worker shards, run by the AM's
 * PREPROCESSING state. Knows nothing of the parameter server or the AM. (Built by the MapReduce
 * preprocessing issue; this module holds its place in the dependency order.)
 */
package dev.psyarn.mapreduce;
