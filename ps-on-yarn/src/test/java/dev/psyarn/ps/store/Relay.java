package dev.psyarn.ps.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * Passes one loopback connection on to a port, everything back as it comes, and towards the port
 * what {@link Towards} lets through of each read (the rest is dropped, so the sender is never
 * blocked); closes the port's side once the sender's closes.
 */
final class Relay implements AutoCloseable {

  /** How much of a read of {@code n} bytes, after {@code sent} passed, goes on (it may pause first). */
  interface Towards {
    int pass(long sent, int n) throws InterruptedException;
  }

  final ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
  final int target;

  Relay(int target, Towards towards) throws IOException {
    this.target = target;
    Thread relay = new Thread(() -> {
      try (Socket in = listener.accept(); Socket out = new Socket(InetAddress.getLoopbackAddress(), target)) {
        Thread back = new Thread(() -> {
          try {
            out.getInputStream().transferTo(in.getOutputStream());
          } catch (IOException closed) {
            // one side went
          }
        }, "relay back");
        back.setDaemon(true);
        back.start();
        byte[] buffer = new byte[64 * 1024];
        InputStream from = in.getInputStream();
        OutputStream to = out.getOutputStream();
        long sent = 0;
        for (int n = from.read(buffer); n >= 0; n = from.read(buffer)) {
          int pass = towards.pass(sent, n);
          to.write(buffer, 0, pass);
          sent += pass;
        }
      } catch (IOException | InterruptedException e) {
        // the sender went, or the test closed the relay
      }
    }, "relay");
    relay.setDaemon(true);
    relay.start();
  }

  int port() {
    return listener.getLocalPort();
  }

  @Override
  public void close() throws IOException {
    listener.close();
  }
}
