package dev.psyarn.ps.container;

import dev.psyarn.ps.transport.AppSecret;
import dev.psyarn.ps.transport.RpcClient;
import dev.psyarn.ps.wire.Protocols;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;

/**
 * What both container mains do first: read their wiring and secret, connect to the AM's control
 * plane.
 *
 * @param env the wiring from the environment
 * @param containerId this container's YARN id
 * @param host the host others reach this container at
 * @param secret the application secret
 * @param control the control-plane client
 */
record ContainerBootstrap(PsContainerEnv env, String containerId, String host, AppSecret secret,
    ControlClient control) {

  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(30);

  static ContainerBootstrap fromEnvironment(Map<String, String> environment) throws IOException {
    PsContainerEnv env = PsContainerEnv.from(environment);
    String containerId = environment.getOrDefault(PsContainerEnv.CONTAINER_ID, env.role() + "-" + env.index());
    String host = environment.getOrDefault(PsContainerEnv.NM_HOST, "localhost");
    AppSecret secret = ContainerSecret.read();
    InetSocketAddress at = new InetSocketAddress(env.amHost(), env.amPort());
    if (env.amEndpoint().isEmpty()) {
      RpcClient am = RpcClient.connect(at, secret, Protocols.CONTROL, CONNECT_TIMEOUT);
      return new ContainerBootstrap(env, containerId, host, secret, new ControlClient(am, containerId));
    }
    // The job's AM may be retried: a container that starts while no attempt listens waits for the next.
    Duration patience = Duration.ofSeconds(env.amPatienceSeconds());
    ReconnectingChannel follower = ReconnectingChannel.open(at, endpointFile(env.amEndpoint()),
        address -> RpcClient.connect(address, secret, Protocols.CONTROL, CONNECT_TIMEOUT), patience,
        java.time.Clock.systemUTC());
    return new ContainerBootstrap(env, containerId, host, secret, new ControlClient(follower, containerId, patience));
  }

  /** Reads "host:port" from the file the AM's attempts write; null while there is none. */
  static ReconnectingChannel.Endpoints endpointFile(String uri) {
    org.apache.hadoop.fs.Path file = new org.apache.hadoop.fs.Path(uri);
    org.apache.hadoop.conf.Configuration conf = new org.apache.hadoop.conf.Configuration();
    return () -> {
      org.apache.hadoop.fs.FileSystem fs = file.getFileSystem(conf);
      try (java.io.InputStream in = fs.open(file)) {
        String text = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).strip();
        int colon = text.lastIndexOf(':');
        return new InetSocketAddress(text.substring(0, colon), Integer.parseInt(text.substring(colon + 1)));
      } catch (java.io.FileNotFoundException e) {
        return null;
      }
    };
  }
}
