/**
 * The one transport of both planes: length-framed Kryo messages over Netty, each connection
 * authenticated by a challenge-response on the application secret before any message is decoded.
 */
package dev.psyarn.ps.transport;
