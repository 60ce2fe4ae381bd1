package dev.taproot.checkpoint;

/**
 * What the scheduler needs of a committed attempt to rebuild a run: the item, the attempt number,
 * its order and outcome (without the message), and its span. A narrow read of {@link Checkpoint}: a
 * resume of 100,000 items reads these, not their logs.
 */
public record RecordedAttempt(
    ItemRef item, int attempt, long order, Outcome outcome, String spanId) {
  public String step() {
    return item.step();
  }

  public String key() {
    return item.key();
  }

  /** The later of two attempts of the same item. */
  public static RecordedAttempt latest(RecordedAttempt a, RecordedAttempt b) {
    return a.attempt() >= b.attempt() ? a : b;
  }
}
