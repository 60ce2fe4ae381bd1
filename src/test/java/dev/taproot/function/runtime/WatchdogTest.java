package dev.taproot.function.runtime;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WatchdogTest {

  private final Watchdog watchdog = new Watchdog();

  @AfterEach
  void stop() {
    watchdog.close();
    Thread.interrupted();
  }

  @Test
  void interruptsTheThreadWhenTheTimeoutPasses() {
    Watchdog.Deadline deadline = watchdog.start(Duration.ofMillis(50));
    assertThrows(InterruptedException.class, () -> TimeUnit.SECONDS.sleep(5));
    assertTrue(deadline.stop(), "stop must report the expiry");
    assertFalse(Thread.currentThread().isInterrupted());
  }

  @Test
  void stoppedInTimeItNeverInterrupts() throws Exception {
    Watchdog.Deadline deadline = watchdog.start(Duration.ofMillis(100));
    assertFalse(deadline.stop());
    TimeUnit.MILLISECONDS.sleep(300);
    assertFalse(Thread.currentThread().isInterrupted());
  }

  @Test
  void raceBetweenExpiryAndStopNeverLeavesAnInterrupt() throws Exception {
    // Timeouts of a few microseconds make the timer and stop() race; whoever wins, no interrupt
    // may be left on the thread afterwards.
    for (int i = 0; i < 2000; i++) {
      Watchdog.Deadline deadline = watchdog.start(Duration.ofNanos(1000 + (i % 50) * 1000));
      Thread.onSpinWait();
      deadline.stop();
      assertFalse(Thread.currentThread().isInterrupted(), "iteration " + i);
    }
    TimeUnit.MILLISECONDS.sleep(50);
    assertFalse(Thread.currentThread().isInterrupted());
  }
}
