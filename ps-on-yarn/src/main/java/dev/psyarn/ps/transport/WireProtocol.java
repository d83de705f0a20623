package dev.psyarn.ps.transport;

import com.esotericsoftware.kryo.Kryo;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;

/**
 * The closed set of classes that may cross the wire. Registration is required, so a peer cannot
 * make us instantiate any other class; both ends must register the same classes in the same order.
 */
public final class WireProtocol {

  private final List<Class<?>> messageClasses;
  private final java.util.function.Supplier<BulkCodec> bulk;

  /** A protocol whose messages are these classes (records or enums), in this order. */
  public WireProtocol(List<Class<?>> messageClasses) {
    this(messageClasses, BulkCodec.NONE);
  }

  /** A protocol whose bulk messages {@code bulk} writes, and the rest Kryo. */
  public WireProtocol(List<Class<?>> messageClasses, BulkCodec bulk) {
    this(messageClasses, () -> bulk);
  }

  /**
   * A protocol whose bulk messages a codec of {@code bulk}'s writes, one codec a channel (so a
   * codec may keep state about its connection, such as cached key lists).
   */
  public WireProtocol(List<Class<?>> messageClasses, java.util.function.Supplier<BulkCodec> bulk) {
    this.messageClasses = List.copyOf(messageClasses);
    this.bulk = bulk;
  }

  /** A codec for one channel. */
  BulkCodec newBulk() {
    return bulk.get();
  }

  /** The same message classes with another bulk codec per channel. */
  public WireProtocol withBulk(java.util.function.Supplier<BulkCodec> other) {
    return new WireProtocol(messageClasses, other);
  }

  /** A new Kryo instance for one channel (Kryo is not thread-safe). */
  Kryo newKryo() {
    Kryo kryo = new Kryo();
    kryo.setRegistrationRequired(true);
    kryo.setReferences(false);
    kryo.register(Envelope.Failure.class);
    kryo.register(byte[].class);
    kryo.register(int[].class);
    kryo.register(long[].class);
    kryo.register(float[].class);
    kryo.register(double[].class);
    kryo.register(String[].class);
    kryo.register(HashMap.class);
    kryo.register(ArrayList.class);
    for (Class<?> type : messageClasses) {
      kryo.register(type);
    }
    return kryo;
  }
}
