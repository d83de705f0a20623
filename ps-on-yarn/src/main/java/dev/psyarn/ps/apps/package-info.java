/** The jobs that workers run against the servers, each an {@link dev.psyarn.ps.apps.AppType}. */
package dev.psyarn.ps.apps;
