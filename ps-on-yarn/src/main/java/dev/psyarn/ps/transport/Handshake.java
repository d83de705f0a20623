package dev.psyarn.ps.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mutual challenge-response on the application secret, run on raw frames before the Kryo codec is
 * installed: an unauthenticated peer never reaches the deserializer and can send at most
 * {@link #HANDSHAKE_FRAME_LIMIT} bytes a frame.
 *
 * <pre>
 * server → client: MAGIC, server nonce
 * client → server: HMAC(secret, 'C' ‖ server nonce), client nonce
 * server → client: HMAC(secret, 'S' ‖ client nonce)
 * </pre>
 */
final class Handshake {

  static final int HANDSHAKE_FRAME_LIMIT = 256;
  static final int MESSAGE_FRAME_LIMIT = 512 * 1024 * 1024;
  static final String FRAME_DECODER = "frame";
  private static final int MAGIC = 0x50535931; // "PSY1"
  private static final byte CLIENT_TAG = 'C';
  private static final byte SERVER_TAG = 'S';
  private static final long TIMEOUT_SECONDS = 10;
  private static final Logger LOG = LoggerFactory.getLogger(Handshake.class);

  private Handshake() {}

  static LengthFieldBasedFrameDecoder handshakeFrames() {
    return new LengthFieldBasedFrameDecoder(HANDSHAKE_FRAME_LIMIT, 0, 4, 0, 4);
  }

  /**
   * After the handshake: message frames in, and out, besides length-prefixed frames, frames whose
   * tail is written from an array a piece at a time as the socket takes it ({@link FloatFrame},
   * which carries its own length).
   */
  static void switchToMessages(ChannelPipeline pipeline) {
    pipeline.replace(FRAME_DECODER, FRAME_DECODER, new MessageFrames(MESSAGE_FRAME_LIMIT));
    pipeline.addAfter(FRAME_DECODER, "pieces", new io.netty.handler.stream.ChunkedWriteHandler());
  }

  /** The server side: challenges every new connection, closes it on a wrong or late answer. */
  static final class ServerSide extends ChannelInboundHandlerAdapter {
    private final AppSecret secret;
    private final String serviceName;
    private final Consumer<ChannelPipeline> onAuthenticated;
    private final byte[] nonce = AppSecret.nonce();
    private ScheduledFuture<?> timeout;

    ServerSide(AppSecret secret, String serviceName, Consumer<ChannelPipeline> onAuthenticated) {
      this.secret = secret;
      this.serviceName = serviceName;
      this.onAuthenticated = onAuthenticated;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      ByteBuf challenge = ctx.alloc().buffer(4 + nonce.length);
      challenge.writeInt(MAGIC).writeBytes(nonce);
      ctx.writeAndFlush(challenge);
      timeout = ctx.executor().schedule(() -> refuse(ctx, "no answer to the challenge in "
          + TIMEOUT_SECONDS + " s"), TIMEOUT_SECONDS, TimeUnit.SECONDS);
      ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf frame = (ByteBuf) msg;
      try {
        if (frame.readableBytes() != 2 * AppSecret.NONCE_BYTES) {
          refuse(ctx, "malformed answer (" + frame.readableBytes() + " bytes)");
          return;
        }
        byte[] proof = new byte[AppSecret.NONCE_BYTES];
        byte[] clientNonce = new byte[AppSecret.NONCE_BYTES];
        frame.readBytes(proof).readBytes(clientNonce);
        if (!secret.verify(CLIENT_TAG, nonce, proof)) {
          refuse(ctx, "wrong application secret");
          return;
        }
        timeout.cancel(false);
        ChannelPipeline pipeline = ctx.pipeline();
        switchToMessages(pipeline);
        pipeline.remove(this);
        onAuthenticated.accept(pipeline);
        ByteBuf answer = ctx.alloc().buffer(AppSecret.NONCE_BYTES);
        answer.writeBytes(secret.prove(SERVER_TAG, clientNonce));
        ctx.writeAndFlush(answer);
      } finally {
        ReferenceCountUtil.release(frame);
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      refuse(ctx, cause.toString());
    }

    private void refuse(ChannelHandlerContext ctx, String why) {
      if (ctx.channel().isOpen()) {
        LOG.warn("{}: refused connection from {}: {}", serviceName, ctx.channel().remoteAddress(), why);
        ctx.close();
      }
    }
  }

  /** The client side: answers the challenge, then checks the server's own proof. */
  static final class ClientSide extends ChannelInboundHandlerAdapter {
    private final AppSecret secret;
    private final CompletableFuture<Void> authenticated;
    private final Consumer<ChannelPipeline> onAuthenticated;
    private final byte[] nonce = AppSecret.nonce();
    private boolean answered;

    ClientSide(AppSecret secret, CompletableFuture<Void> authenticated, Consumer<ChannelPipeline> onAuthenticated) {
      this.secret = secret;
      this.authenticated = authenticated;
      this.onAuthenticated = onAuthenticated;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf frame = (ByteBuf) msg;
      try {
        if (!answered) {
          if (frame.readableBytes() != 4 + AppSecret.NONCE_BYTES || frame.readInt() != MAGIC) {
            fail(ctx, "the peer is not a psyarn endpoint");
            return;
          }
          byte[] serverNonce = new byte[AppSecret.NONCE_BYTES];
          frame.readBytes(serverNonce);
          ByteBuf answer = ctx.alloc().buffer(2 * AppSecret.NONCE_BYTES);
          answer.writeBytes(secret.prove(CLIENT_TAG, serverNonce)).writeBytes(nonce);
          ctx.writeAndFlush(answer);
          answered = true;
          return;
        }
        byte[] proof = new byte[AppSecret.NONCE_BYTES];
        if (frame.readableBytes() != proof.length) {
          fail(ctx, "malformed proof from the server");
          return;
        }
        frame.readBytes(proof);
        if (!secret.verify(SERVER_TAG, nonce, proof)) {
          fail(ctx, "the server does not hold this application's secret");
          return;
        }
        ChannelPipeline pipeline = ctx.pipeline();
        switchToMessages(pipeline);
        pipeline.remove(this);
        onAuthenticated.accept(pipeline);
        authenticated.complete(null);
      } finally {
        ReferenceCountUtil.release(frame);
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      authenticated.completeExceptionally(new AuthenticationException(
          "the server closed the connection during authentication: wrong application secret?"));
      ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      authenticated.completeExceptionally(cause);
      ctx.close();
    }

    private void fail(ChannelHandlerContext ctx, String why) {
      authenticated.completeExceptionally(new AuthenticationException(why));
      ctx.close();
    }
  }
}
