/** Local mode: the real job on an embedded MiniDFSCluster and MiniYARNCluster in this JVM. */
package dev.psyarn.local;
