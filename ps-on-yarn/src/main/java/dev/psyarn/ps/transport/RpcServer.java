package dev.psyarn.ps.transport;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.ChannelOption;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.LengthFieldPrepender;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.net.InetSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A listening endpoint of either plane. Every connection must pass the {@link Handshake} before
 * its messages reach the {@link RequestHandler}; refused connections are logged with the peer.
 */
public final class RpcServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(RpcServer.class);

  private final Channel listener;
  private final Traffic traffic;
  private final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
  private final String name;

  private RpcServer(Channel listener, String name, Traffic traffic) {
    this.listener = listener;
    this.traffic = traffic;
    this.name = name;
  }

  /**
   * The most one read from a connection takes: 512 KiB, where Netty's default stops at 64 KiB. A
   * large push then arrives in an eighth of the reads, each into a pooled buffer that is taken
   * again for the next read and so stays in the core's cache, with fewer wake-ups of the sender
   * (100k × 64 push 1.7 → 2.2–2.3 GB/s; 256 KiB and 1 MiB were slower, docs/benchmarks.md). The
   * size adapts to what reads bring, so a connection of small requests keeps small reads; two
   * reads a turn keep a busy connection from holding its event loop longer than before. A client's
   * reads stay at the default: pull answers, copied into the caller's array as they arrive, were
   * slower with larger ones.
   */
  static final int MAX_READ = 512 * 1024;

  /**
   * Starts listening.
   *
   * @param bindAddress where to listen; port 0 picks a free port
   * @param name a name for the logs ("control plane", "server 3")
   */
  public static RpcServer start(InetSocketAddress bindAddress, AppSecret secret, WireProtocol protocol,
      RequestHandler handler, String name) throws IOException {
    RpcServer[] self = new RpcServer[1];
    Traffic traffic = new Traffic();
    ServerBootstrap bootstrap = new ServerBootstrap()
        .group(EventLoops.group())
        .channel(NioServerSocketChannel.class)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childOption(ChannelOption.RCVBUF_ALLOCATOR, new AdaptiveRecvByteBufAllocator(64, 2048, MAX_READ)
            .maxMessagesPerRead(2)) // 1 MiB a turn of the event loop at most, as Netty's 16 reads of 64 KiB
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) throws javax.net.ssl.SSLException {
            self[0].connections.add(ch);
            ch.pipeline().addLast("traffic", traffic.counter());
            if (secret.tls() != null) {
              ch.pipeline().addLast("tls", secret.tls().serverContext().newHandler(ch.alloc()));
            }
            ch.pipeline()
                .addLast(Handshake.FRAME_DECODER, Handshake.handshakeFrames())
                .addLast("prepend", new LengthFieldPrepender(4))
                .addLast("auth", new Handshake.ServerSide(secret, name, pipeline -> pipeline
                    .addLast("codec", new KryoCodec(protocol))
                    .addLast("dispatch", new Dispatcher(handler, name))));
          }
        });
    try {
      Channel channel = bootstrap.bind(bindAddress).sync().channel();
      self[0] = new RpcServer(channel, name, traffic);
      LOG.info("{} listening on {}", name, channel.localAddress());
      return self[0];
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while binding " + name, e);
    } catch (Exception e) {
      throw new IOException("cannot listen on " + bindAddress + " for " + name + ": " + e.getMessage(), e);
    }
  }

  /** Bytes this server's connections have read and written. */
  public Traffic traffic() {
    return traffic;
  }

  /** The port this server listens on. */
  public int port() {
    return ((InetSocketAddress) listener.localAddress()).getPort();
  }

  @Override
  public void close() {
    listener.close().syncUninterruptibly();
    connections.close().syncUninterruptibly();
    LOG.info("{} stopped", name);
  }

  private static final class Dispatcher extends SimpleChannelInboundHandler<Envelope> {
    private final RequestHandler handler;
    private final String name;

    Dispatcher(RequestHandler handler, String name) {
      this.handler = handler;
      this.name = name;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, Envelope request) {
      Channel channel = ctx.channel();
      long id = request.id();
      try {
        handler.handle(request.body(), new RequestHandler.Reply() {
          @Override
          public void ok(Object response) {
            channel.writeAndFlush(new Envelope(id, response), channel.voidPromise());
          }

          @Override
          public void error(String message) {
            channel.writeAndFlush(new Envelope(id, new Envelope.Failure(message)), channel.voidPromise());
          }
        });
      } catch (RuntimeException e) {
        LOG.warn("{}: request {} failed", name, request.body().getClass().getSimpleName(), e);
        channel.writeAndFlush(new Envelope(id, new Envelope.Failure(e.toString())), channel.voidPromise());
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      LOG.warn("{}: closing connection from {}: {}", name, ctx.channel().remoteAddress(), cause.toString());
      ctx.close();
    }
  }
}
