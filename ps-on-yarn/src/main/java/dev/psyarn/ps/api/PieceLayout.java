package dev.psyarn.ps.api;

/**
 * The work as {@code rounds} (epochs) of {@code parts} pieces each: piece {@code id} is part
 * {@code id % parts} of round {@code id / parts}. Parts are the same data in every round, so the
 * AM gives a worker the parts it has had before when it can, and the preprocessing stage writes
 * one training shard a part.
 */
public record PieceLayout(int rounds, int parts) {

  public static final PieceLayout NONE = new PieceLayout(0, 0);

  public PieceLayout {
    if (rounds < 0 || parts < 0 || (long) rounds * parts > Integer.MAX_VALUE / 2) {
      throw new IllegalArgumentException("rounds and parts must be from 0 with a product below 2^30, got "
          + rounds + " × " + parts);
    }
  }

  public int total() {
    return rounds * parts;
  }

  public boolean any() {
    return total() > 0;
  }

  public int round(int piece) {
    return piece / parts;
  }

  public int part(int piece) {
    return piece % parts;
  }
}
