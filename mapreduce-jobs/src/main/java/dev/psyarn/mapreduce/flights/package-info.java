/**
 * The standard flights task of the project's data README: label, split and features exactly as
 * specified there, for the examples, tests and benchmarks. (The declarative features of the
 * preprocessing issue generalize this.)
 */
package dev.psyarn.mapreduce.flights;
