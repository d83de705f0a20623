/** The entry points of server and worker containers, wired from the environment the AM gives. */
package dev.psyarn.ps.container;
