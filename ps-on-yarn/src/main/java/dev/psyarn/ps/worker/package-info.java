/** The worker's API to the servers, in ps-lite's shape: non-blocking push and pull, then wait. */
package dev.psyarn.ps.worker;
