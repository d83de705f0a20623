package dev.psyarn.ps.transport;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.LengthFieldPrepender;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * An authenticated connection to one {@link RpcServer}. Calls are asynchronous and may be issued
 * from any thread; responses complete their futures on an I/O thread.
 */
public final class RpcClient implements PeerChannel {

  private volatile Channel channel;
  private final Map<Long, CompletableFuture<Object>> pending = new ConcurrentHashMap<>();
  private final AtomicLong nextId = new AtomicLong();
  private final Traffic traffic = new Traffic();
  private final String peer;

  private RpcClient(String peer) {
    this.peer = peer;
  }

  /**
   * Connects and authenticates.
   *
   * @throws AuthenticationException if either side cannot prove it holds the secret
   * @throws IOException if the server cannot be reached in time
   */
  public static RpcClient connect(InetSocketAddress address, AppSecret secret, WireProtocol protocol,
      Duration timeout) throws IOException {
    CompletableFuture<Void> authenticated = new CompletableFuture<>();
    RpcClient client = new RpcClient(address.toString());
    Bootstrap bootstrap = new Bootstrap()
        .group(EventLoops.group())
        .channel(NioSocketChannel.class)
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) timeout.toMillis())
        .handler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) throws javax.net.ssl.SSLException {
            ch.pipeline().addLast("traffic", client.traffic.counter());
            if (secret.tls() != null) {
              ch.pipeline().addLast("tls", secret.tls().clientContext().newHandler(ch.alloc(), address.getHostString(),
                  address.getPort()));
            }
            ch.pipeline()
                .addLast(Handshake.FRAME_DECODER, Handshake.handshakeFrames())
                .addLast("prepend", new LengthFieldPrepender(4))
                .addLast("auth", new Handshake.ClientSide(secret, authenticated, pipeline -> pipeline
                    .addLast("codec", new KryoCodec(protocol))
                    .addLast("responses", new ResponseHandler(client))));
          }
        });
    Channel channel;
    try {
      channel = bootstrap.connect(address).sync().channel();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while connecting to " + address, e);
    } catch (Exception e) {
      throw new IOException("cannot connect to " + address + ": " + e.getMessage(), e);
    }
    client.channel = channel;
    try {
      authenticated.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return client;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      channel.close();
      throw new IOException("interrupted while authenticating to " + address, e);
    } catch (ExecutionException e) {
      channel.close();
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      throw new IOException("cannot authenticate to " + address + ": " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      channel.close();
      throw new AuthenticationException("no answer from " + address + " during authentication in "
          + timeout.toMillis() + " ms");
    }
  }

  /** Answers that are views of their frame are copied out before the future completes. */
  @Override
  public CompletableFuture<Object> call(Object request) {
    return call(request, answer -> answer instanceof FrameView view ? view.detached() : answer);
  }

  @Override
  public <T> CompletableFuture<T> call(Object request, Function<Object, ? extends T> onArrival) {
    long id = nextId.incrementAndGet();
    CompletableFuture<Object> future = new CompletableFuture<>();
    // Attached before the request goes out, so it runs as the answer is delivered (in the frame's lifetime).
    CompletableFuture<T> result = future.thenApply(onArrival);
    pending.put(id, future);
    if (!channel.isActive()) {
      failAll(new IOException("connection to " + peer + " is closed"));
      return result;
    }
    channel.writeAndFlush(new Envelope(id, request)).addListener(written -> {
      if (!written.isSuccess()) {
        CompletableFuture<Object> f = pending.remove(id);
        if (f != null) {
          f.completeExceptionally(new IOException("cannot send to " + peer, written.cause()));
        }
      }
    });
    return result;
  }

  /** Bytes this connection has read and written. */
  public Traffic traffic() {
    return traffic;
  }

  /** Whether the connection is still open. */
  public boolean isOpen() {
    return channel.isActive();
  }

  @Override
  public void close() {
    channel.close().syncUninterruptibly();
    failAll(new IOException("connection to " + peer + " closed"));
  }

  private void failAll(Throwable cause) {
    for (Long id : pending.keySet()) {
      CompletableFuture<Object> f = pending.remove(id);
      if (f != null) {
        f.completeExceptionally(cause);
      }
    }
  }

  private static final class ResponseHandler extends SimpleChannelInboundHandler<Envelope> {
    private final RpcClient client;

    ResponseHandler(RpcClient client) {
      this.client = client;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, Envelope response) {
      CompletableFuture<Object> future = client.pending.remove(response.id());
      if (future == null) {
        return;
      }
      if (response.body() instanceof Envelope.Failure failure) {
        future.completeExceptionally(new RemoteException(client.peer + ": " + failure.message()));
      } else {
        future.complete(response.body());
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      client.failAll(new IOException("connection to " + client.peer + " lost"));
      ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      client.failAll(cause);
      ctx.close();
    }
  }
}
