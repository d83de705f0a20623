/** The client: submits jobs to YARN, follows them, reads their status and reports. */
package dev.psyarn.client;
