/**
 * How a server applies what workers push: plain sums, SGD, AdaGrad and FTRL-proximal. Pure
 * arithmetic over primitive arrays, no Hadoop and no I/O.
 */
package dev.psyarn.ps.update;
