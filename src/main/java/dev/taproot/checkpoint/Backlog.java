package dev.taproot.checkpoint;

/**
 * The executions handed to the checkpoint writer and not yet through it, with a bound: while the
 * database is slow or away (PostgreSQL restarting), workers that finish executions wait here
 * instead of queueing ever more results on the heap. Nothing is dropped; the bound only decides who
 * waits.
 */
final class Backlog {
  private final int capacity;
  private int held;
  private long waits;
  private boolean open = true;

  Backlog(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException(
          "taproot.engine.checkpoint-backlog must be at least 1, got " + capacity);
    }
    this.capacity = capacity;
  }

  /**
   * Counts one execution in, first waiting for room when the caller may wait: a worker thread that
   * holds no lock may; the scheduler (holding a run's lock, or on the writer's own thread in a
   * listener) may not, or the writer could wait on itself.
   */
  synchronized void admit(boolean mayWait) {
    if (mayWait && held >= capacity && open) {
      waits++;
      boolean interrupted = false;
      while (held >= capacity && open) {
        try {
          wait();
        } catch (InterruptedException e) {
          // A cancel interrupts the worker; its record must still be handed in, so it waits on.
          interrupted = true;
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
    held++;
  }

  /** {@code n} executions went through the writer (committed, or left out by fencing). */
  synchronized void release(int n) {
    if (n > 0) {
      held -= n;
      notifyAll();
    }
  }

  /** The writer stops: nobody waits any more. */
  synchronized void close() {
    open = false;
    notifyAll();
  }

  synchronized int size() {
    return held;
  }

  synchronized long waits() {
    return waits;
  }

  int capacity() {
    return capacity;
  }
}
