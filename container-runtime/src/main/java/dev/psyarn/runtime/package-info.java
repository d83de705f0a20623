/**
 * How one role's process is launched in a YARN container: resource asks, the JVM command, the
 * classpath and the launch context. Knows nothing of the parameter server or the AM.
 */
package dev.psyarn.runtime;
