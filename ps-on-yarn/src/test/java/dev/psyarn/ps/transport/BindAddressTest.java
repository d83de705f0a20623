package dev.psyarn.ps.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

/** Listeners bind to the container host's address when it is this machine's, else to every interface. */
class BindAddressTest {

  @Test
  void aHostOfThisMachineIsBoundByItsAddressAndAForeignOneFallsBackToEveryInterface() throws Exception {
    assertEquals(InetAddress.getByName("127.0.0.1"), BindAddress.of("127.0.0.1").getAddress());
    assertTrue(BindAddress.of("localhost").getAddress().isLoopbackAddress());
    // 203.0.113.0/24 is TEST-NET-3: never an address of this machine.
    assertTrue(BindAddress.of("203.0.113.7").getAddress().isAnyLocalAddress());
    assertTrue(BindAddress.of("no-such-host.invalid").getAddress().isAnyLocalAddress());
    assertEquals(0, BindAddress.of("127.0.0.1").getPort());
  }

  @Test
  void aServerBoundToTheHostIsReachedThereAndNotOnAnotherAddressOfThisMachine() throws Exception {
    AppSecret secret = AppSecret.generate();
    try (RpcServer server = RpcServer.start(BindAddress.of("127.0.0.1"), secret, dev.psyarn.ps.wire.Protocols.CONTROL,
        (request, reply) -> reply.ok(request), "bind test")) {
      try (java.net.Socket s = new java.net.Socket("127.0.0.1", server.port())) {
        assertTrue(s.isConnected());
      }
      // 127.0.0.2 is this machine too (the loopback net), but not where the server listens.
      org.junit.jupiter.api.Assertions.assertThrows(java.net.ConnectException.class,
          () -> new java.net.Socket("127.0.0.2", server.port()).close());
    }
  }
}
