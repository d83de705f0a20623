package dev.psyarn.mapreduce.preprocess;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The declared features grouped into families whose texts in a row follow from a few values: a
 * feature's bases are the features it is made of that are not crosses (itself, if it is not one).
 * Each cross in turn, most bases first, then as declared, makes a family of every feature not yet
 * in one whose bases are among its own, if that is two features or more. The family's tuple is the
 * values of that cross's bases ({@link Featurizer#tuple}), so it has about as many distinct values
 * as that cross, and it stands for all the family's texts. The flights task's 13 features make two:
 * the route by hour's bases (origin, destination, hour) with the 7 features made of them, and hour
 * by weekday with the weekday; the origin by weekday, the destination by weekday, the day of the
 * month and the distance are in none.
 */
final class FeatureFamilies {

  /** Each feature's family, or -1. */
  private final int[] familyOf;
  /**
   * Each family's bases, its features, and the crosses its tuple makes (its own and those they
   * are made of), in declared order.
   */
  private final int[][] bases;
  private final int[][] members;
  private final int[][] crosses;

  /**
   * {@code crossParts[i]}: the features feature {@code i} crosses (none if it is not a cross), each
   * declared before it.
   */
  FeatureFamilies(int[][] crossParts) {
    int n = crossParts.length;
    BitSet[] baseSets = new BitSet[n];
    for (int i = 0; i < n; i++) {
      baseSets[i] = new BitSet(n);
      if (crossParts[i].length == 0) {
        baseSets[i].set(i);
      }
      for (int p : crossParts[i]) {
        baseSets[i].or(baseSets[p]);
      }
    }
    familyOf = new int[n];
    Arrays.fill(familyOf, -1);
    List<int[]> familyBases = new ArrayList<>();
    List<int[]> familyMembers = new ArrayList<>();
    int[] byBases = IntStream.range(0, n).filter(i -> crossParts[i].length > 0).boxed()
        .sorted(Comparator.comparingInt((Integer i) -> -baseSets[i].cardinality()).thenComparingInt(i -> i))
        .mapToInt(Integer::intValue).toArray();
    for (int c : byBases) {
      BitSet of = baseSets[c];
      int[] family = IntStream.range(0, n).filter(i -> familyOf[i] < 0 && contains(of, baseSets[i])).toArray();
      if (family.length < 2) {
        continue;
      }
      for (int i : family) {
        familyOf[i] = familyBases.size();
      }
      familyBases.add(of.stream().toArray());
      familyMembers.add(family);
    }
    bases = familyBases.toArray(new int[0][]);
    members = familyMembers.toArray(new int[0][]);
    crosses = new int[bases.length][];
    for (int f = 0; f < bases.length; f++) {
      BitSet of = new BitSet(n);
      Arrays.stream(bases[f]).forEach(of::set);
      crosses[f] = IntStream.range(0, n).filter(i -> crossParts[i].length > 0 && contains(of, baseSets[i])).toArray();
    }
  }

  private static boolean contains(BitSet set, BitSet subset) {
    BitSet rest = (BitSet) subset.clone();
    rest.andNot(set);
    return rest.isEmpty();
  }

  int size() {
    return bases.length;
  }

  /** The family of feature {@code feature}, or -1. */
  int of(int feature) {
    return familyOf[feature];
  }

  /** The bases whose values make family {@code family}'s tuple. */
  int[] bases(int family) {
    return bases[family];
  }

  /** The features family {@code family}'s tuple stands for. */
  int[] members(int family) {
    return members[family];
  }

  /** The crosses to join, in order, to give those features from the bases' values. */
  int[] crosses(int family) {
    return crosses[family];
  }
}
