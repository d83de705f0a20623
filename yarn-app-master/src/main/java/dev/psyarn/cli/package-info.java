/** The {@code psyarn} command line: a Hadoop {@code Tool} with picocli subcommands. */
package dev.psyarn.cli;
