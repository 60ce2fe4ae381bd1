package dev.taproot.checkpoint;

import java.util.Objects;

/**
 * Where a value can be read: by its digest, and, for a checkpoint's input or output, the row that
 * recorded it, since a small value is kept in that row (or, for an input that is an upload record,
 * named there) instead of the payload table.
 *
 * @param attempt the checkpoint that recorded the value; null for a value only in the payload table
 *     (a run's input or output; upload records are read with {@link RunStore#records})
 * @param output whether it is the checkpoint's output (else its input)
 */
public record ValueAt(String digest, AttemptRef attempt, boolean output) {
  public ValueAt {
    Objects.requireNonNull(digest, "digest");
  }

  /** A checkpoint's input. */
  public static ValueAt inputOf(AttemptRef attempt, String digest) {
    return new ValueAt(digest, attempt, false);
  }

  /** A checkpoint's output. */
  public static ValueAt outputOf(AttemptRef attempt, String digest) {
    return new ValueAt(digest, attempt, true);
  }

  /** A value stored in the payload table only. */
  public static ValueAt stored(String digest) {
    return new ValueAt(digest, null, false);
  }
}
