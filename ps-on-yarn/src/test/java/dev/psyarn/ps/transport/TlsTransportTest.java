package dev.psyarn.ps.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.psyarn.ps.store.ServerStore;
import dev.psyarn.ps.wire.ControlMessages;
import dev.psyarn.ps.wire.DataMessages;
import dev.psyarn.ps.wire.Protocols;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * TLS on both planes over real Netty on loopback, seen through a relay that keeps every byte on the
 * wire: what goes through TLS is not readable there, while the same request without TLS is; a
 * peer without TLS, or with another application's certificate, gets nothing.
 */
class TlsTransportTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(5);
  private final AppSecret secret = AppSecret.generate();

  /** One of the test identities in src/test/resources/tls (self-signed: it trusts itself). */
  static TlsIdentity identity(String app) throws Exception {
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = TlsTransportTest.class.getResourceAsStream("/tls/app-" + app + ".p12")) {
      store.load(in, "psyarn-test".toCharArray());
    }
    PrivateKey key = (PrivateKey) store.getKey("psyarn", "psyarn-test".toCharArray());
    Certificate[] chain = store.getCertificateChain("psyarn");
    X509Certificate[] x509 = Arrays.copyOf(chain, chain.length, X509Certificate[].class);
    return new TlsIdentity(key, x509, x509[0]);
  }

  /** Forwards one connection to {@code target} and keeps the bytes the client sent. */
  private static final class Relay implements AutoCloseable {
    final ServerSocket listener = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
    final ByteArrayOutputStream sent = new ByteArrayOutputStream();

    Relay(InetSocketAddress target) throws IOException {
      Thread accept = new Thread(() -> {
        try (Socket in = listener.accept(); Socket out = new Socket(target.getAddress(), target.getPort())) {
          Thread back = new Thread(() -> copy(out, in, null));
          back.setDaemon(true);
          back.start();
          copy(in, out, sent);
        } catch (IOException e) {
          // the test closed the relay
        }
      });
      accept.setDaemon(true);
      accept.start();
    }

    private static void copy(Socket from, Socket to, ByteArrayOutputStream keep) {
      byte[] buffer = new byte[8192];
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
          if (keep != null) {
            synchronized (keep) {
              keep.write(buffer, 0, n);
            }
          }
          out.write(buffer, 0, n);
          out.flush();
        }
      } catch (IOException e) {
        // one side closed
      }
    }

    InetSocketAddress address() {
      return new InetSocketAddress("127.0.0.1", listener.getLocalPort());
    }

    String sentText() {
      synchronized (sent) {
        return sent.toString(StandardCharsets.ISO_8859_1);
      }
    }

    @Override
    public void close() throws IOException {
      listener.close();
    }
  }

  /** Registers a worker whose host name is {@code marker} through a relay; returns what the relay saw. */
  private String registerThroughARelay(AppSecret server, AppSecret client, String marker) throws Exception {
    java.util.List<Object> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
    RequestHandler handler = (request, reply) -> {
      seen.add(request);
      reply.ok(new ControlMessages.Ack());
    };
    try (RpcServer rpc = RpcServer.start(new InetSocketAddress("127.0.0.1", 0), server, Protocols.CONTROL, handler,
            "test control plane");
        Relay relay = new Relay(new InetSocketAddress("127.0.0.1", rpc.port()));
        RpcClient connected = RpcClient.connect(relay.address(), client, Protocols.CONTROL, TIMEOUT)) {
      connected.call(new ControlMessages.Register("container_1", "worker", 0, marker, 4242))
          .get(5, TimeUnit.SECONDS);
      assertEquals(1, seen.size(), "the request arrived: " + seen);
      return relay.sentText();
    }
  }

  @Test
  void withTlsTheWireShowsNothingOfWhatTheControlPlaneCarries() throws Exception {
    String marker = "worker-host-7f3a9c.example.internal";
    String plain = registerThroughARelay(secret, secret, marker);
    assertTrue(plain.contains(marker), "without TLS the request is readable on the wire");
    AppSecret tls = secret.withTls(identity("a"));
    String encrypted = registerThroughARelay(tls, tls, marker);
    assertFalse(encrypted.contains(marker), "with TLS it is not");
    assertEquals(0x16, encrypted.charAt(0), "a TLS handshake record opens the connection");
  }

  @Test
  void theDataPlaneServesPushAndPullOverTls() throws Exception {
    AppSecret tls = secret.withTls(identity("a"));
    try (RpcServer server = RpcServer.start(new InetSocketAddress("127.0.0.1", 0), tls, Protocols.DATA,
            new ServerStore(), "test data plane");
        RpcClient client = RpcClient.connect(new InetSocketAddress("127.0.0.1", server.port()), tls, Protocols.DATA,
            TIMEOUT)) {
      client.call(new DataMessages.CreateTable(0, 2, dev.psyarn.ps.update.UpdaterSpec.SUM)).get(5, TimeUnit.SECONDS);
      int keys = 150_000; // frames far above a TLS record's 16 KiB, values in three pieces
      long[] k = new long[keys];
      float[] v = new float[2 * keys];
      for (int i = 0; i < keys; i++) {
        k[i] = 3L * i;
        v[2 * i] = i;
        v[2 * i + 1] = -i;
      }
      client.call(new DataMessages.Push(0, k, v)).get(10, TimeUnit.SECONDS);
      client.call(new DataMessages.Push(0, k, v)).get(10, TimeUnit.SECONDS);
      float[] got = ((DataMessages.PullResult) client.call(new DataMessages.Pull(0, k, Integer.MIN_VALUE))
          .get(10, TimeUnit.SECONDS)).toArray();
      float[] twice = new float[v.length];
      for (int i = 0; i < v.length; i++) {
        twice[i] = 2 * v[i];
      }
      assertArrayEquals(twice, got);
    }
  }

  @Test
  void aPeerWithoutTlsOrWithAnotherApplicationsCertificateIsRefused() throws Exception {
    AppSecret tls = secret.withTls(identity("a"));
    try (RpcServer server = RpcServer.start(new InetSocketAddress("127.0.0.1", 0), tls, Protocols.DATA,
        new ServerStore(), "test data plane")) {
      InetSocketAddress address = new InetSocketAddress("127.0.0.1", server.port());
      assertThrows(IOException.class, () -> RpcClient.connect(address, secret, Protocols.DATA, TIMEOUT).close(),
          "plain TCP to a TLS server");
      assertThrows(IOException.class, () -> RpcClient.connect(address, secret.withTls(identity("b")), Protocols.DATA,
          TIMEOUT).close(), "a client that trusts another application's certificate");
      assertThrows(IOException.class, () -> RpcClient.connect(address, AppSecret.generate().withTls(identity("a")),
          Protocols.DATA, TIMEOUT).close(), "TLS is not authentication: the secret is still asked for");
      try (RpcClient ok = RpcClient.connect(address, secret.withTls(TlsIdentity.trusting(identity("a").trusted())),
          Protocols.DATA, TIMEOUT)) {
        ok.call(new DataMessages.CreateTable(1, 1, dev.psyarn.ps.update.UpdaterSpec.SUM)).get(5, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void anIdentityTravelsThroughItsEncodingAndNeverShowsItsKey() throws Exception {
    TlsIdentity a = identity("a");
    TlsIdentity decoded = TlsIdentity.decode(a.encodedKey(), a.encodedChain(), a.encodedTrust());
    assertArrayEquals(a.encodedKey(), decoded.encodedKey());
    assertArrayEquals(a.encodedChain(), decoded.encodedChain());
    TlsIdentity trusting = TlsIdentity.decode(null, null, a.encodedTrust());
    assertFalse(trusting.hasKey());
    String shown = decoded + " " + secret.withTls(decoded);
    assertFalse(shown.contains(java.util.HexFormat.of().formatHex(a.encodedKey()).substring(0, 16)), shown);
    assertTrue(shown.contains("redacted") && shown.contains("psyarn-test-app-a"), shown);
  }
}
