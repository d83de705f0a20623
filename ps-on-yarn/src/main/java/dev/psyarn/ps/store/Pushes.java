package dev.psyarn.ps.store;

import dev.psyarn.ps.transport.RequestHandler.Reply;
import dev.psyarn.ps.wire.DataMessages.Ack;
import dev.psyarn.ps.wire.DataMessages.ReceivedPush;
import dev.psyarn.ps.wire.DataMessages.Replicate;
import dev.psyarn.ps.wire.DataMessages.StreamedPush;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.BiPredicate;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A server's pushes: a worker's, whole or still arriving, and those a range's holder forwards to
 * its replicas. Each is applied under its table's lock, once per origin and sequence number (the
 * table's {@link PushLedger}: a replay is acknowledged and dropped; a push cut off mid-way has
 * only the rest of its rows applied when it comes again).
 */
final class Pushes {

  private static final Logger LOG = LoggerFactory.getLogger(Pushes.class);

  private final int server;
  private final HeldRange own;
  private final Map<Integer, HeldRange> ranges;
  private final Function<long[], HeldRange> rangeOf;
  private final BiPredicate<HeldRange, Integer> afterCut;
  private final RestoreLog restores;
  private final Replicas replicas;
  /** Handles a push gathered whole as any request (after the server's gate). */
  private final BiConsumer<Object, Reply> handle;
  /** Arrays the values of streamed pushes that are handled whole are gathered in (and forwarded from). */
  private final LentArrays gathered;
  final AtomicLong keysPushed = new AtomicLong();
  final AtomicLong dropped = new AtomicLong();
  final AtomicLong cutOff = new AtomicLong();

  /**
   * @param ranges the ranges the server holds, by index
   * @param rangeOf the range a request's keys are in
   * @param afterCut whether a push from an origin to a range comes from beyond the open checkpoint cut
   * @param handle handles a request as the server does (a push gathered before the server opens goes there)
   * @param gathered where arrays for pushes gathered whole come from (the replicas' too: they forward from them)
   */
  Pushes(int server, HeldRange own, Map<Integer, HeldRange> ranges, Function<long[], HeldRange> rangeOf,
      BiPredicate<HeldRange, Integer> afterCut, RestoreLog restores, Replicas replicas,
      BiConsumer<Object, Reply> handle, LentArrays gathered) {
    this.server = server;
    this.own = own;
    this.ranges = ranges;
    this.rangeOf = rangeOf;
    this.afterCut = afterCut;
    this.restores = restores;
    this.replicas = replicas;
    this.handle = handle;
    this.gathered = gathered;
  }

  /**
   * A push whose values are still arriving: added to the table as they come when nothing needs
   * the push whole (see {@link PushStreams}), else gathered and handled as any other push.
   *
   * @param open whether the server takes requests yet (if not, the push is gathered and waits)
   */
  void streamed(StreamedPush push, Reply reply, boolean open) {
    if (push.range() >= 0) {
      forwarded(push, reply, open);
      return;
    }
    if (!open) {
      push.take(new PushStreams.Gathering(push, gathered, (whole, loan) -> handle.accept(whole, reply)));
      return;
    }
    HeldRange range = rangeOf.apply(push.keys());
    HeldRange.Table table = range.table(push.table());
    if (range != own || table.handle != null) {
      push.take(new PushStreams.Gathering(push, gathered, (whole, loan) -> whole(whole, reply, loan)));
      return;
    }
    boolean beyond = afterCut.test(range, push.origin());
    if (restores.awaits(push.origin())) {
      restores.pushed(push.origin(), push.seq());
    }
    long[] keys = push.keys();
    int from = 0;
    TableRows rows;
    synchronized (table) {
      if (table.split != null || !table.replicas.isEmpty() || !table.streamsAllowed()) {
        push.take(new PushStreams.Gathering(push, gathered, (whole, loan) -> whole(whole, reply, loan)));
        return;
      }
      if (!table.ledger.firstTime(push.origin(), push.seq(), beyond)) {
        from = table.ledger.resume(push.origin(), push.seq(), keys);
        if (from < 0) {
          dropped.incrementAndGet();
          push.take(PushStreams.dropping(() -> reply.ok(new Ack()))); // applied before: acknowledged, not applied again
          return;
        }
        keys = Arrays.copyOfRange(keys, from, keys.length); // cut off mid-way before: the rest
      }
      rows = table.values.rows(keys, beyond);
      table.streamStarted();
    }
    int applied = keys.length;
    push.take(new PushStreams.Applying(table, rows, table.values.width(), from, () -> {
      table.streamEnded();
      keysPushed.addAndGet(applied);
      reply.ok(new Ack());
    }, rowsApplied -> cutOff(table, push, rowsApplied)));
  }

  /**
   * A push a range's holder forwarded, its values still arriving: added to the table as they come
   * (once: a replica keeps the range's ledger too), unless it must be whole (the server not open,
   * a split, an application's handle), as {@link #replicated} applies it.
   */
  private void forwarded(StreamedPush push, Reply reply, boolean open) {
    HeldRange range = open ? ranges.get(push.range()) : null;
    HeldRange.Table table = range == null ? null : range.table(push.table());
    if (table == null || table.handle != null) {
      push.take(new PushStreams.Gathering(push, gathered, (whole, loan) -> handle.accept(asReplicate(push, whole), reply)));
      return;
    }
    TableRows rows;
    int from = 0;
    synchronized (table) {
      if (table.split != null && table.split.splits(push.origin(), push.seq()) || !table.streamsAllowed()) {
        push.take(new PushStreams.Gathering(push, gathered, (whole, loan) -> replicated(asReplicate(push, whole), reply)));
        return;
      }
      long[] keys = push.keys();
      if (!table.ledger.firstTime(push.origin(), push.seq())) {
        from = table.ledger.resume(push.origin(), push.seq(), keys);
        if (from < 0) {
          dropped.incrementAndGet();
          push.take(PushStreams.dropping(() -> reply.ok(new Ack())));
          return;
        }
        keys = Arrays.copyOfRange(keys, from, keys.length); // cut off mid-way before: the keys it had not reached
      } else if (table.split != null && table.split.passed(push.origin(), push.seq())) {
        table.split = null;
      }
      rows = table.values.rows(keys, false);
      table.streamStarted();
    }
    push.take(new PushStreams.Applying(table, rows, table.values.width(), from, () -> {
      table.streamEnded();
      reply.ok(new Ack());
    }, rowsApplied -> cutOff(table, push, rowsApplied)));
  }

  private static Replicate asReplicate(StreamedPush forwarded, ReceivedPush whole) {
    return new Replicate(forwarded.range(), whole.table(), whole.keys(), whole.values(), whole.origin(), whole.seq());
  }

  /** A push's values stopped short after {@code rowsApplied} rows: its replay adds the rest. */
  private void cutOff(HeldRange.Table table, StreamedPush push, int rowsApplied) {
    table.ledger.tear(push.origin(), push.seq(), push.keys(), rowsApplied);
    table.streamEnded();
    cutOff.incrementAndGet();
    LOG.info("server {}: a {} of {} keys from origin {} (seq {}) was cut off after {} of them; its replay adds the rest",
        server, push.range() >= 0 ? "forward of range " + push.range() + "'s push" : "push", push.keys().length,
        push.origin(), push.seq(), rowsApplied);
  }

  /**
   * A push whose values are all here: applied, and forwarded to the range's replicas, from the
   * array {@code loan} lends if the push was gathered into one (null: a view of a received frame).
   */
  void whole(ReceivedPush push, Reply reply, PushStreams.Loan loan) {
    HeldRange range = rangeOf.apply(push.keys());
    HeldRange.Table table = range.table(push.table());
    boolean beyond = afterCut.test(range, push.origin());
    if (range == own && restores.awaits(push.origin())) {
      restores.pushed(push.origin(), push.seq());
    }
    Replicas.Forwarded forwarded;
    synchronized (table) {
      if (table.split != null && table.split.splits(push.origin(), push.seq())) {
        push = table.split.missingPart(push); // applied by some old holders: the keys of the others only
        if (table.split.applied(push.origin(), push.seq())) {
          table.split = null;
        }
      } else if (!table.ledger.firstTime(push.origin(), push.seq(), beyond)) {
        int applied = table.ledger.resume(push.origin(), push.seq(), push.keys());
        if (applied < 0) {
          dropped.incrementAndGet();
          reply.ok(new Ack()); // applied before, from this origin: acknowledged, not applied again
          return;
        }
        push = rest(push, applied); // cut off mid-way before: the keys it had not reached
      } else if (table.split != null && table.split.passed(push.origin(), push.seq())) {
        table.split = null;
      }
      forwarded = replicas.forward(range, table, push, loan);
      table.add(push.keys(), push.values(), beyond); // a view of the received frame: applied now, not kept
    }
    keysPushed.addAndGet(push.keys().length);
    if (forwarded == null) {
      reply.ok(new Ack());
    } else {
      replicas.whenAcknowledged(forwarded, () -> reply.ok(new Ack())); // acknowledged once the replicas have it
    }
  }

  /** The push without its first {@code rows} keys and their values. */
  private static ReceivedPush rest(ReceivedPush push, int rows) {
    int width = push.values().remaining() / Math.max(1, push.keys().length);
    FloatBuffer values = push.values().duplicate();
    values.position(values.position() + rows * width);
    return new ReceivedPush(push.table(), Arrays.copyOfRange(push.keys(), rows, push.keys().length), values.slice(),
        push.origin(), push.seq());
  }

  /**
   * A push its range's holder forwarded: applied once, never forwarded again; if this range's
   * copy of it was cut off mid-way (a forward streamed here, or the holder's when it handed the
   * range over), the keys it had not reached.
   */
  void replicated(Replicate r, Reply reply) {
    HeldRange range = ranges.get(r.range());
    if (range == null) {
      reply.error("server " + server + " holds no replica of range " + r.range());
      return;
    }
    HeldRange.Table table = range.table(r.table());
    synchronized (table) {
      if (table.split != null && table.split.splits(r.origin(), r.seq())) {
        ReceivedPush part = table.split.missingPart(new ReceivedPush(r.table(), r.keys(), r.values(), r.origin(), r.seq()));
        table.add(part.keys(), part.values(), false);
        if (table.split.applied(r.origin(), r.seq())) {
          table.split = null;
        }
      } else if (table.ledger.firstTime(r.origin(), r.seq())) {
        table.add(r.keys(), r.values(), false); // a view of the received frame
        if (table.split != null && table.split.passed(r.origin(), r.seq())) {
          table.split = null;
        }
      } else {
        int from = table.ledger.resume(r.origin(), r.seq(), r.keys());
        if (from < 0) {
          dropped.incrementAndGet();
        } else {
          ReceivedPush rest = rest(new ReceivedPush(r.table(), r.keys(), r.values(), r.origin(), r.seq()), from);
          table.add(rest.keys(), rest.values(), false);
        }
      }
    }
    reply.ok(new Ack());
  }
}
