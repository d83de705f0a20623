package dev.psyarn.ps.store;

import dev.psyarn.ps.update.UpdaterSpec;
import dev.psyarn.ps.wire.DataMessages.CreateTable;
import java.util.Collection;
import java.util.Optional;

/**
 * A worker's {@code CreateTable} on a server: the table is made in every range the server holds
 * with the update rule asked for (the same request again is fine), or refused with the reason: a
 * rule that does not load, a table that exists with another width or rule, or an app's
 * {@link dev.psyarn.ps.api.ServerHandle} where its state would have to be checkpointed or replicated.
 */
final class TableCreation {

  private TableCreation() {}

  /** Creates the table in {@code ranges}; why not, if it cannot be. */
  static Optional<String> refusal(Collection<HeldRange> ranges, CreateTable create, boolean checkpoints) {
    UpdaterSpec spec = create.updater() == null ? UpdaterSpec.SUM : create.updater();
    try {
      if (spec.handle() && (checkpoints || ranges.size() > 1)) {
        String what = checkpoints ? "checkpoint" : "replicate";
        return Optional.of("table " + create.table() + "'s server handle " + spec.type() + " keeps its own state, "
            + "which psyarn cannot " + what + ": drop the job's " + (checkpoints ? "checkpoint" : "replication")
            + ", or make the rule a per-key Updater");
      }
      for (HeldRange range : ranges) {
        HeldRange.Table table = range.create(create.table(), create.width(), spec);
        if (table.values.width() != create.width() || !sameRule(table.spec, spec)) {
          return Optional.of("table " + create.table() + " exists with width " + table.values.width() + " and updater "
              + table.spec.type() + ", not " + create.width() + " and " + spec.type());
        }
      }
      return Optional.empty();
    } catch (IllegalArgumentException e) {
      return Optional.of("table " + create.table() + ": " + e.getMessage());
    }
  }

  /** Whether two update rules are the same: equal settings, or psyarn updaters that behave the same. */
  static boolean sameRule(UpdaterSpec a, UpdaterSpec b) {
    return a.equals(b) || (a.builtIn() && b.builtIn() && a.create().equals(b.create()));
  }
}
