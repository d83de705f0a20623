/** The messages of the data plane (workers ⇄ servers) and the control plane (containers ⇄ AM). */
package dev.psyarn.ps.wire;
