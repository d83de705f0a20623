/**
 * The application API: what a job's own code implements to run on psyarn ({@link
 * dev.psyarn.ps.api.Application}), its settings binding ({@link dev.psyarn.ps.api.AppSettings}),
 * what a worker gets ({@link dev.psyarn.ps.api.WorkerContext}) and a server's per-table handle
 * ({@link dev.psyarn.ps.api.ServerHandle}). See docs/apps.md.
 */
package dev.psyarn.ps.api;
