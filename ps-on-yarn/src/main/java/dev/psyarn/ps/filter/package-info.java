/** The paper's user-defined filters (§5): what a worker can leave off the wire. */
package dev.psyarn.ps.filter;
