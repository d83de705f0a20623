package dev.psyarn.am;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Handing pieces out: to whoever asks, back to the queue when a worker is lost, each done once. */
class WorkQueueTest {

  private static int piece(WorkQueue.Answer a) {
    return assertInstanceOf(WorkQueue.Piece.class, a).id();
  }

  @Test
  void piecesGoToWhoeverAsksAndALostWorkersPieceGoesToTheNextAsker() {
    WorkQueue q = new WorkQueue(3);
    assertEquals(0, piece(q.next("w0", -1)));
    assertEquals(1, piece(q.next("w1", -1)));
    assertEquals(2, piece(q.next("w0", 0)));
    assertInstanceOf(WorkQueue.Wait.class, q.next("w2", -1), "a new worker asks; nothing is free yet");
    assertTrue(q.release("w1"), "w1 is lost with piece 1 unfinished");
    assertEquals(1, piece(q.next("w2", -1)), "its piece goes to the next asker");
    assertEquals(1, q.redone());
    assertInstanceOf(WorkQueue.Wait.class, q.next("w0", 2));
    assertInstanceOf(WorkQueue.AllDone.class, q.next("w2", 1));
    assertEquals(3, q.doneCount());
  }

  @Test
  void aReplacementAskingInItsSlotGivesBackWhatItsPredecessorHeldAndAPieceDoneTwiceCountsOnce() {
    WorkQueue q = new WorkQueue(2);
    assertEquals(0, piece(q.next("w0", -1)));
    assertEquals(0, piece(q.next("w0", -1)), "the slot asks again without finishing: the same piece, redone");
    assertEquals(1, piece(q.next("w1", -1)));
    q.next("w1", 1);
    q.next("w1", 1);
    assertInstanceOf(WorkQueue.AllDone.class, q.next("w0", 0));
    assertEquals(2, q.doneCount());
  }

  @Test
  void roundsGoOutInOrderAndAWorkerGetsThePartsItHasHadFirst() {
    // Two rounds (epochs) of three parts: piece = round × 3 + part.
    WorkQueue q = new WorkQueue(new dev.psyarn.ps.api.PieceLayout(2, 3));
    assertEquals(0, piece(q.next("w0", -1)));
    assertEquals(1, piece(q.next("w1", -1)));
    assertEquals(2, piece(q.next("w0", 0)), "round 0 first, whoever asks");
    assertEquals(4, piece(q.next("w1", 1)), "round 1: w1 has part 1's data");
    assertEquals(3, piece(q.next("w0", 2)), "w0 has had parts 0 and 2: the lowest of them");
    assertEquals(5, piece(q.next("w0", 3)), "and then part 2");
    assertEquals(3, q.local());
    assertTrue(q.release("w1"), "w1 is lost in round 1 with piece 4");
    assertEquals(4, piece(q.next("w2", -1)), "its piece goes to whoever asks, data or not");
    assertInstanceOf(WorkQueue.Wait.class, q.next("w0", 5));
    assertInstanceOf(WorkQueue.AllDone.class, q.next("w2", 4));
    assertEquals(6, q.doneCount());
  }

  @Test
  void aPieceOfTheNextRoundWaitsForNoOneButALostPieceOfAnEarlierRoundGoesFirst() {
    WorkQueue q = new WorkQueue(new dev.psyarn.ps.api.PieceLayout(2, 2));
    assertEquals(0, piece(q.next("w0", -1)));
    assertEquals(1, piece(q.next("w1", -1)));
    assertEquals(2, piece(q.next("w0", 0)), "round 1 starts while piece 1 is worked on");
    q.release("w1");
    assertEquals(1, piece(q.next("w0", 2)), "the lost round-0 piece before round 1's last");
    assertEquals(3, piece(q.next("w0", 1)));
  }
}
