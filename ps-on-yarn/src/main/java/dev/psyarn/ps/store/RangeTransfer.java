package dev.psyarn.ps.store;

import dev.psyarn.ps.worker.Partitioner;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongPredicate;

/**
 * Keys moving between servers when their layout changes (server flex): copied out of a held range
 * (each table under its lock, with its ledger) and taken into a range of the new layout (the
 * ledgers merged, and split where the old holders disagree, see {@link SplitLedger}).
 */
final class RangeTransfer {

  private RangeTransfer() {}

  /** The keys of {@code range} that {@code moves} accepts, each table with its ledger, as a snapshot. */
  static ServerSnapshot copyOut(HeldRange range, LongPredicate moves, int[] clocks, int numServers) {
    List<ServerSnapshot.Table> images = new ArrayList<>();
    for (Map.Entry<Integer, HeldRange.Table> e : new TreeMap<>(range.tables).entrySet()) {
      HeldRange.Table table = e.getValue();
      synchronized (table) {
        Map<Integer, Long> ledger = table.ledger.copy();
        images.add(new ServerSnapshot.Table(e.getKey(), table.spec, table.values.copy(moves), ledger,
            table.ledger.torn(ledger)));
      }
    }
    return new ServerSnapshot(range.index, numServers, -1, clocks, List.of(), images);
  }

  /**
   * Loads what the old ranges' holders gave ({@code fetched}: old range to its part) into
   * {@code range}: each table created as it was, its keys loaded, its ledger the highest push of
   * each origin, split where the old holders had applied an origin to different points (or a push
   * to some of its keys only).
   */
  static void takeIn(HeldRange range, Map<Integer, ServerSnapshot> fetched, Partitioner before) {
    Map<Integer, Map<Integer, Map<Integer, Long>>> ledgers = new TreeMap<>(); // table → old range → ledger
    Map<Integer, Map<Integer, List<ServerSnapshot.Torn>>> torn = new TreeMap<>(); // table → old range → cut off
    for (Map.Entry<Integer, ServerSnapshot> from : fetched.entrySet()) {
      for (ServerSnapshot.Table t : from.getValue().tables()) {
        HeldRange.Table table = range.create(t.id(), t.image().width(), t.updater());
        synchronized (table) {
          table.values.load(t.image(), key -> true);
          table.ledger.restore(t.ledger(), List.of()); // a push cut off mid-way: the split says which keys it reached
        }
        ledgers.computeIfAbsent(t.id(), id -> new TreeMap<>()).put(from.getKey(), t.ledger());
        torn.computeIfAbsent(t.id(), id -> new TreeMap<>()).put(from.getKey(), t.torn());
      }
    }
    ledgers.forEach((id, byRange) -> {
      HeldRange.Table table = range.table(id);
      synchronized (table) {
        table.split = SplitLedger.of(before, byRange, torn.get(id));
      }
    });
  }
}
