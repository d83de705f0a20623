package dev.psyarn.ps.store;

import dev.psyarn.ps.transport.RequestHandler;
import dev.psyarn.ps.wire.DataMessages.Ack;
import dev.psyarn.ps.wire.DataMessages.CreateTable;
import dev.psyarn.ps.wire.DataMessages.Pull;
import dev.psyarn.ps.wire.DataMessages.PullResult;
import dev.psyarn.ps.wire.DataMessages.Push;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A server's tables and its answers to data-plane requests. Requests from different workers arrive
 * on different I/O threads; each table is guarded by its own lock.
 */
public final class ServerStore implements RequestHandler {

  private final Map<Integer, KeyValueTable> tables = new ConcurrentHashMap<>();
  private final AtomicLong keysPushed = new AtomicLong();
  private final AtomicLong keysPulled = new AtomicLong();

  @Override
  public void handle(Object request, Reply reply) {
    if (request instanceof Push push) {
      KeyValueTable table = table(push.table());
      synchronized (table) {
        table.add(push.keys(), push.values());
      }
      keysPushed.addAndGet(push.keys().length);
      reply.ok(new Ack());
    } else if (request instanceof Pull pull) {
      KeyValueTable table = table(pull.table());
      float[] out = new float[pull.keys().length * table.width()];
      synchronized (table) {
        table.get(pull.keys(), out);
      }
      keysPulled.addAndGet(pull.keys().length);
      reply.ok(new PullResult(out));
    } else if (request instanceof CreateTable create) {
      KeyValueTable table = tables.computeIfAbsent(create.table(), t -> new KeyValueTable(create.width()));
      if (table.width() != create.width()) {
        reply.error("table " + create.table() + " exists with width " + table.width()
            + ", not " + create.width());
      } else {
        reply.ok(new Ack());
      }
    } else {
      reply.error("a server does not handle " + request.getClass().getSimpleName());
    }
  }

  /** Keys stored over all tables. */
  public long keys() {
    return tables.values().stream().mapToLong(KeyValueTable::size).sum();
  }

  public long keysPushed() {
    return keysPushed.get();
  }

  public long keysPulled() {
    return keysPulled.get();
  }

  private KeyValueTable table(int id) {
    KeyValueTable table = tables.get(id);
    if (table == null) {
      throw new IllegalArgumentException("no table " + id + " on this server: create it first");
    }
    return table;
  }
}
