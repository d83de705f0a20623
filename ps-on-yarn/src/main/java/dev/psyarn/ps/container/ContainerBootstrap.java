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
    RpcClient am = RpcClient.connect(new InetSocketAddress(env.amHost(), env.amPort()), secret,
        Protocols.CONTROL, CONNECT_TIMEOUT);
    return new ContainerBootstrap(env, containerId, host, secret, new ControlClient(am, containerId));
  }
}
