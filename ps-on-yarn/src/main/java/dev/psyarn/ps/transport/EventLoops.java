package dev.psyarn.ps.transport;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;

/** The event loop threads that every server and client of this JVM share. */
final class EventLoops {

  private static final EventLoopGroup GROUP = new NioEventLoopGroup(
      Math.max(2, Runtime.getRuntime().availableProcessors()),
      new DefaultThreadFactory("psyarn-io", true));

  private EventLoops() {}

  static EventLoopGroup group() {
    return GROUP;
  }
}
