package dev.psyarn.ps.api;

/**
 * A model file the servers start from (a warm start): they read it when table {@code table} is
 * created and put each key they hold through the table's updater.
 */
public record InitialModel(int table, String path) {}
