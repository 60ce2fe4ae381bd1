package dev.taproot.checkpoint;

import io.quarkus.logging.Log;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Named points between "function returned" and "checkpoint committed" where a crash test can stop
 * the JVM as {@code kill -9} would. Armed only by system properties, so production code paths pay
 * one volatile read per point:
 *
 * <pre>-Dtaproot.fault.point=before-checkpoint-commit -Dtaproot.fault.after=120</pre>
 *
 * halts the process the 120th time that point is reached.
 */
public final class FaultInjection {
  /** Where a crash can be injected. */
  public enum Point {
    AFTER_FUNCTION_RETURNED,
    BEFORE_CHECKPOINT_COMMIT,
    AFTER_CHECKPOINT_COMMIT;

    public String id() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  private static final Point ARMED = armedPoint();
  private static final long AFTER = Long.getLong("taproot.fault.after", 1);
  private static final AtomicLong HITS = new AtomicLong();

  private FaultInjection() {}

  public static void reach(Point point) {
    if (ARMED == point && HITS.incrementAndGet() >= AFTER) {
      Log.warnf("fault injection: halting at %s (hit %d)", point.id(), AFTER);
      Runtime.getRuntime().halt(137);
    }
  }

  private static Point armedPoint() {
    String value = System.getProperty("taproot.fault.point");
    if (value == null || value.isBlank()) {
      return null;
    }
    for (Point p : Point.values()) {
      if (p.id().equals(value)) {
        return p;
      }
    }
    throw new IllegalArgumentException("unknown taproot.fault.point '" + value + "'");
  }
}
