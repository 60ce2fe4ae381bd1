package dev.taproot.engine;

import dev.taproot.checkpoint.ExecutionStatus;
import dev.taproot.checkpoint.ItemRange;
import dev.taproot.checkpoint.RecordedAttempt;
import dev.taproot.checkpoint.RecordedAttempts;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The checkpoints of one finished run, held in memory: what {@link
 * dev.taproot.checkpoint.ExecutionStore} answers from the database.
 */
final class InMemoryRecordedAttempts implements RecordedAttempts {
  private final List<RecordedAttempt> rows;

  /** Reads of every attempt of the run, which a redrive of a few items should not need. */
  int everyAttemptReads;

  InMemoryRecordedAttempts(List<RecordedAttempt> rows) {
    this.rows = List.copyOf(rows);
  }

  @Override
  public Overview overview(String runId) {
    Map<String, Integer> firstTry = new HashMap<>();
    List<RecordedAttempt> rest =
        rows.stream()
            .filter(
                r -> {
                  boolean first =
                      r.attempt() == 1 && r.outcome().status() == ExecutionStatus.SUCCEEDED;
                  if (first) {
                    firstTry.merge(r.step(), 1, Integer::sum);
                  }
                  return !first;
                })
            .toList();
    return new Overview(firstTry, rest);
  }

  @Override
  public List<String> keysOf(String runId, String step) {
    return inOrder(step).stream().map(RecordedAttempt::key).distinct().toList();
  }

  @Override
  public List<RecordedAttempt> attemptsOf(String runId, String step, Collection<String> keys) {
    Set<String> wanted = Set.copyOf(keys);
    return inOrder(step).stream().filter(r -> wanted.contains(r.key())).toList();
  }

  @Override
  public List<RecordedAttempt> attemptsOf(String runId) {
    everyAttemptReads++;
    return rows;
  }

  @Override
  public List<RecordedAttempt> attemptsOf(String runId, ItemRange range) {
    return rows.stream().filter(r -> range.contains(r.order())).toList();
  }

  @Override
  public List<RecordedAttempt> succeeded(String runId, String step) {
    return inOrder(step).stream()
        .filter(r -> r.outcome().status() == ExecutionStatus.SUCCEEDED)
        .toList();
  }

  private List<RecordedAttempt> inOrder(String step) {
    return rows.stream()
        .filter(r -> r.step().equals(step))
        .sorted(Comparator.comparingLong(RecordedAttempt::order))
        .toList();
  }
}
