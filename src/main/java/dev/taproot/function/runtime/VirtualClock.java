package dev.taproot.function.runtime;

import com.dylibso.chicory.runtime.Instance;
import java.time.Instant;

/**
 * The guest's {@code clock_time_get}: time that starts at the execution's recorded start and
 * advances by one microsecond per reading, for the realtime and the monotonic clock alike.
 *
 * <p>Time must not come from the host, or a replay would print different bytes. It must not stand
 * still either: a guest that measures elapsed time, or waits until a clock moves, would divide by
 * zero or spin until its timeout. Advancing per reading keeps both clocks moving forward, and the
 * same sequence of calls reads the same values on every replay. (Chicory's own implementation reads
 * the monotonic clock from System.nanoTime, hence the replacement.)
 */
final class VirtualClock {

  static final String NAME = "clock_time_get";

  /** How far time advances with each reading. */
  static final long TICK_NANOS = 1_000;

  private static final int REALTIME = 0;
  private static final int MONOTONIC = 1;
  private static final int PROCESS_CPUTIME = 2;
  private static final int THREAD_CPUTIME = 3;

  private final long startNanos;
  private long readings;

  VirtualClock(Instant start) {
    this.startNanos = start.getEpochSecond() * 1_000_000_000L + start.getNano();
  }

  /** The next reading; each call moves time forward by {@link #TICK_NANOS}. */
  long read() {
    return startNanos + TICK_NANOS * readings++;
  }

  long[] clockTimeGet(Instance instance, long... args) {
    int clockId = (int) args[0];
    int resultPtr = (int) args[2];
    int errno;
    switch (clockId) {
      case REALTIME:
      case MONOTONIC:
        instance.memory().writeLong(resultPtr, read());
        errno = WasiErrors.SUCCESS;
        break;
      case PROCESS_CPUTIME:
      case THREAD_CPUTIME:
        // CPU time is the host's business and differs between runs.
        errno = WasiErrors.NOTSUP;
        break;
      default:
        errno = WasiErrors.INVAL;
    }
    return new long[] {errno};
  }
}
