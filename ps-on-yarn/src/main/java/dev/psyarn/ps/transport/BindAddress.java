package dev.psyarn.ps.transport;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a container's listener binds: the address of the host others reach it at (the
 * NodeManager's host name), not every interface, so the planes are not offered on networks the
 * cluster does not use. A host name that does not resolve to an address of this machine (a
 * container runtime with its own network, a misconfigured name) falls back to every interface,
 * with a warning that says why.
 */
public final class BindAddress {

  private static final Logger LOG = LoggerFactory.getLogger(BindAddress.class);

  private BindAddress() {}

  /** An ephemeral port on {@code host}'s address when it is this machine's, else on every interface. */
  public static InetSocketAddress of(String host) {
    try {
      InetAddress address = InetAddress.getByName(host);
      if (address.isLoopbackAddress() || NetworkInterface.getByInetAddress(address) != null) {
        return new InetSocketAddress(address, 0);
      }
      LOG.warn("{} is {}, not an address of this machine: listening on every interface", host,
          address.getHostAddress());
    } catch (UnknownHostException | SocketException e) {
      LOG.warn("cannot resolve {} to an address of this machine ({}): listening on every interface", host,
          e.toString());
    }
    return new InetSocketAddress(0);
  }
}
