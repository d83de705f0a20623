/** The servers' primitive key/value storage and the request handling of a server. */
package dev.psyarn.ps.store;
