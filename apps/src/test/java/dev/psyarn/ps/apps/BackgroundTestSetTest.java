package dev.psyarn.ps.apps;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class BackgroundTestSetTest {

  @Test
  void theTestSetLoadsOnItsOwnThreadAndGetWaitsForIt() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    Thread[] loader = new Thread[1];
    BackgroundTestSet background = new BackgroundTestSet(() -> {
      loader[0] = Thread.currentThread();
      release.await();
      return new Examples(new byte[] {1, 0}, new int[] {0, 2, 3}, new long[] {5, 9, 5});
    }, 100);
    release.countDown();
    TestSet test = background.get();
    assertTrue(loader[0] != Thread.currentThread(), "loaded on another thread");
    assertEquals(2, test.size());
    assertArrayEquals(new long[] {5, 9, 100}, test.keysForTest(), "the distinct keys and the bias");
    assertSame(test, background.get());
    assertTrue(background.seconds() >= 0);
  }

  @Test
  void whatFailedWhileLoadingIsRethrownAsItWas() {
    IOException missing = new IOException("no test-*.shard files under /x");
    BackgroundTestSet failing = new BackgroundTestSet(() -> {
      throw missing;
    }, 100);
    assertSame(missing, assertThrows(IOException.class, failing::get));
    BackgroundTestSet broken = new BackgroundTestSet(() -> {
      throw new IllegalStateException("a bad shard");
    }, 100);
    assertEquals("a bad shard", assertThrows(IllegalStateException.class, broken::get).getMessage());
  }
}
