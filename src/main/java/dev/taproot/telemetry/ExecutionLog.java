package dev.taproot.telemetry;

import dev.taproot.checkpoint.Checkpoint;
import dev.taproot.checkpoint.ExecutionRecord;
import dev.taproot.checkpoint.ExecutionStatus;
import dev.taproot.checkpoint.Outcome;
import dev.taproot.function.GuestText;
import org.jboss.logging.Logger;

/**
 * One log line per finished attempt, logged inside its {@link LogContext} (which names the run,
 * step, item, attempt and trace, so the message does not repeat them): a warning for a failure
 * (with the code and the message the checkpoint keeps), debug for a success, and the guest's own
 * stderr on the {@code dev.taproot.guest} category at debug. Successes stay at debug because a
 * batch of 100,000 items would otherwise drown the failures.
 */
public final class ExecutionLog {
  private static final Logger ENGINE = Logger.getLogger("dev.taproot.execution");
  private static final Logger GUEST = Logger.getLogger("dev.taproot.guest");

  private ExecutionLog() {}

  public static void finished(ExecutionRecord r) {
    Checkpoint row = r.checkpoint();
    Outcome outcome = row.outcome();
    if (outcome.status() == ExecutionStatus.FAILED) {
      ENGINE.warnf(
          "failed with %s: %s (checkpoint: /api/v1/runs/%s/steps/%s/items/%s)",
          outcome.code(),
          GuestText.printable(outcome.message()),
          row.runId(),
          row.item().step(),
          row.item().key());
    } else if (ENGINE.isDebugEnabled()) {
      ENGINE.debugf("%s in %d µs", outcome.status().id(), row.timing().durationMicros());
    }
    String logs = row.guest().logs();
    if (logs != null && !logs.isEmpty() && GUEST.isDebugEnabled()) {
      GUEST.debugf("stderr of %s: %s", row.function().ref(), GuestText.printable(logs.strip()));
    }
  }
}
