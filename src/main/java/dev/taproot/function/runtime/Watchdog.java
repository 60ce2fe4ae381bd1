package dev.taproot.function.runtime;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Stops executions that run too long. Chicory checks the running thread's interrupt flag as the
 * guest runs (in loops and calls of compiled code, between interpreted instructions, in blocking
 * WASI calls), so a timeout is an interrupt of the thread that runs the guest, sent from one shared
 * timer thread.
 */
final class Watchdog implements AutoCloseable {

  private final ScheduledThreadPoolExecutor timer;

  Watchdog() {
    timer =
        new ScheduledThreadPoolExecutor(
            1,
            task -> {
              Thread thread = new Thread(task, "taproot-wasm-watchdog");
              thread.setDaemon(true);
              return thread;
            });
    // Almost every deadline is cancelled long before it is due; without this the queue would
    // hold every cancelled 30 s deadline until it came due.
    timer.setRemoveOnCancelPolicy(true);
  }

  /** Starts timing the calling thread; it is interrupted once the timeout has passed. */
  Deadline start(Duration timeout) {
    Deadline deadline = new Deadline(Thread.currentThread());
    deadline.future = timer.schedule(deadline::expire, timeout.toNanos(), TimeUnit.NANOSECONDS);
    return deadline;
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }

  /**
   * One timed execution. {@link #stop()} guarantees that once it returns, this deadline will not
   * interrupt the thread any more: the thread goes on to serve other work, which a late interrupt
   * would break.
   */
  static final class Deadline {
    private static final int RUNNING = 0;
    private static final int INTERRUPTING = 1;
    private static final int EXPIRED = 2;
    private static final int STOPPED = 3;

    private final Thread thread;
    private final AtomicInteger state = new AtomicInteger(RUNNING);
    private ScheduledFuture<?> future;

    private Deadline(Thread thread) {
      this.thread = thread;
    }

    private void expire() {
      if (state.compareAndSet(RUNNING, INTERRUPTING)) {
        thread.interrupt();
        state.set(EXPIRED);
      }
    }

    /**
     * Ends the timing, from the timed thread. Returns whether the deadline had expired, in which
     * case the interrupt it sent has been cleared.
     */
    boolean stop() {
      future.cancel(false);
      if (state.compareAndSet(RUNNING, STOPPED)) {
        return false;
      }
      // The timer won: wait until its interrupt has landed so the clearing below catches it.
      while (state.get() == INTERRUPTING) {
        Thread.onSpinWait();
      }
      Thread.interrupted();
      return true;
    }
  }
}
