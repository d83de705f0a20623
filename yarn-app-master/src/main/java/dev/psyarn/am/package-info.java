/**
 * The ApplicationMaster: an explicit lifecycle (STARTING → RUNNING → FINISHING → final) driven by
 * events on one thread, with allocation, launching, the control plane and the web page each in a
 * class of its own.
 */
package dev.psyarn.am;
