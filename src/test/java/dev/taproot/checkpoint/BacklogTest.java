package dev.taproot.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/** The writer's bound: who waits for room, who never does, and that nothing is turned away. */
class BacklogTest {

  @Test
  void aWorkerWaitsAtTheBoundUntilTheWriterCommits() throws Exception {
    Backlog backlog = new Backlog(2);
    backlog.admit(true);
    backlog.admit(true);
    CompletableFuture<Void> third = CompletableFuture.runAsync(() -> backlog.admit(true));
    assertThrows(TimeoutException.class, () -> third.get(200, TimeUnit.MILLISECONDS));
    assertEquals(1, backlog.waits());

    backlog.release(1);
    third.get(5, TimeUnit.SECONDS);
    assertEquals(2, backlog.size());
  }

  @Test
  void theSchedulerIsNeverKeptWaitingSinceItMayHoldWhatTheWriterNeeds() {
    Backlog backlog = new Backlog(1);
    backlog.admit(true);
    backlog.admit(false);
    backlog.admit(false);
    assertEquals(3, backlog.size(), "admitted over the bound, not dropped");
    assertEquals(0, backlog.waits());
  }

  @Test
  void aCancelInterruptingAWaitingWorkerDoesNotLoseItsRecord() throws Exception {
    Backlog backlog = new Backlog(1);
    backlog.admit(true);
    boolean[] stillInterrupted = {false};
    Thread worker =
        new Thread(
            () -> {
              backlog.admit(true);
              stillInterrupted[0] = Thread.currentThread().isInterrupted();
            });
    worker.start();
    Thread.sleep(100);
    worker.interrupt();
    Thread.sleep(100);
    assertTrue(worker.isAlive(), "an interrupt alone does not let it through");
    backlog.release(1);
    worker.join(5_000);
    assertFalse(worker.isAlive());
    assertTrue(stillInterrupted[0], "the interrupt is kept for the worker to see");
    assertEquals(1, backlog.size());
  }

  @Test
  void aStoppingWriterLetsEveryoneThrough() throws Exception {
    Backlog backlog = new Backlog(1);
    backlog.admit(true);
    CompletableFuture<Void> waiting = CompletableFuture.runAsync(() -> backlog.admit(true));
    Thread.sleep(100);
    backlog.close();
    waiting.get(5, TimeUnit.SECONDS);
  }

  @Test
  void aBoundBelowOneIsASettingToFix() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Backlog(0));
    assertTrue(e.getMessage().contains("taproot.engine.checkpoint-backlog"), e.getMessage());
  }
}
