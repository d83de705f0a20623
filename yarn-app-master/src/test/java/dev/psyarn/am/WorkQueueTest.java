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
}
