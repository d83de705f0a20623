/** Benchmarks of the parameter server that print figures to compare with their references. */
package dev.psyarn.ps.bench;
