package dev.psyarn.spec;

import dev.psyarn.specs.SpecNode;

/**
 * Where a role's containers may go, like a pod's node selector and anti-affinity.
 *
 * @param nodeLabel a node label expression (the role runs only on nodes of that partition), or null
 * @param maxPerNode at most this many containers of the role on one node (1 = anti-affinity), or
 *     0 for no limit
 */
public record Placement(String nodeLabel, int maxPerNode) {

  public static final Placement ANYWHERE = new Placement(null, 0);

  /** Whether YARN must place the role with a placement constraint (a scheduling request). */
  public boolean constrained() {
    return maxPerNode > 0;
  }

  /** Reads a role's {@code nodeLabel} and {@code placement}. */
  static Placement read(SpecNode role) {
    String label = role.has("nodeLabel") ? label(role, "nodeLabel") : null;
    int maxPerNode = 0;
    if (role.has("placement")) {
      SpecNode p = role.object("placement");
      p.allowOnly("antiAffinity", "maxPerNode");
      if (p.has("antiAffinity") && p.has("maxPerNode")) {
        throw p.error("give antiAffinity: true (one a node) or maxPerNode: N, not both");
      }
      maxPerNode = p.bool("antiAffinity", false) ? 1 : p.integerOr("maxPerNode", 0, 1, 10_000);
    }
    return new Placement(label, maxPerNode);
  }

  /** A node label field, checked for the characters YARN allows. */
  static String label(SpecNode node, String field) {
    String label = node.text(field);
    if (!label.matches("[A-Za-z0-9][A-Za-z0-9_.-]*")) {
      throw node.error(field, "\"" + label + "\" is not a node label (letters, digits, _ . -)");
    }
    return label;
  }

  @Override
  public String toString() {
    return (nodeLabel == null ? "" : "node label " + nodeLabel) + (nodeLabel != null && maxPerNode > 0 ? ", " : "")
        + (maxPerNode == 1 ? "one a node" : maxPerNode > 1 ? "at most " + maxPerNode + " a node" : "");
  }
}
