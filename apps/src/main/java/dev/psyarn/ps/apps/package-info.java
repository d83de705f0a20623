/** psyarn's built-in applications ({@code counter}, {@code sparse-lr}), written on {@link dev.psyarn.ps.api}. */
package dev.psyarn.ps.apps;
