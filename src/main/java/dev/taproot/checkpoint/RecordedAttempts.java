package dev.taproot.checkpoint;

import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The narrow reads of a run's checkpoints that the scheduler rebuilds a run from (see {@link
 * RecordedAttempt}). {@link ExecutionStore} answers them from the database; the scheduler's unit
 * tests answer them from memory.
 */
public interface RecordedAttempts {
  /**
   * A run's attempts in one grouped pass: the succeeded first attempts (nearly all of them) as one
   * count per step, every other attempt (failed, skipped, or not the first) as a row.
   *
   * @param firstTrySucceeded per step, the items that succeeded at their first attempt
   * @param rest every attempt that did not
   */
  record Overview(Map<String, Integer> firstTrySucceeded, List<RecordedAttempt> rest) {}

  Overview overview(String runId);

  /** The item keys of a step, in item order. */
  List<String> keysOf(String runId, String step);

  /** Every attempt of the given items of a step. */
  List<RecordedAttempt> attemptsOf(String runId, String step, Collection<String> keys);

  /** Every attempt of a run. */
  List<RecordedAttempt> attemptsOf(String runId);

  /** Every attempt of a run's items whose order is in {@code range} (one partition's). */
  List<RecordedAttempt> attemptsOf(String runId, ItemRange range);

  /** The succeeded attempts of a step, in item order. */
  List<RecordedAttempt> succeeded(String runId, String step);
}
