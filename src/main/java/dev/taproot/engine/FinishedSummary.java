package dev.taproot.engine;

import dev.taproot.checkpoint.ItemRef;
import dev.taproot.checkpoint.RecordedAttempt;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the database holds for a run that just finished here, taken from memory: the same {@link
 * RecordedRun.Summary} a pass over its rows would give, so that a redrive soon after skips that
 * pass.
 */
final class FinishedSummary {
  /** Beyond this many failed or retried items a finished run leaves no summary behind. */
  private static final int LIMIT = 10_000;

  private FinishedSummary() {}

  /** Null when it would be too big to keep. */
  static RecordedRun.Summary of(Collection<StepState> steps, RedriveScope scope) {
    Map<String, StepState> byId = new HashMap<>();
    steps.forEach(s -> byId.put(s.id(), s));
    Map<String, RecordedRun.Tally> tallies = new HashMap<>();
    Map<String, List<RecordedAttempt>> failed = new LinkedHashMap<>();
    Map<ItemRef, Integer> retried = new HashMap<>();
    if (scope != null) {
      // What the redrive left alone stays as it was recorded.
      scope
          .recorded()
          .failedOrBlocked()
          .forEach(
              (step, rows) -> {
                for (RecordedAttempt r : rows) {
                  if (!byId.get(step).items.containsKey(r.key())) {
                    failed.computeIfAbsent(step, k -> new ArrayList<>()).add(r);
                  }
                }
              });
      scope
          .recorded()
          .retried()
          .forEach(
              (item, attempt) -> {
                if (!byId.get(item.step()).items.containsKey(item.key())) {
                  retried.put(item, attempt);
                }
              });
    }
    for (StepState s : steps) {
      tallies.put(s.id(), s.tally());
      for (ItemState i : s.items.values()) {
        if (i.attempt > 1) {
          retried.put(new ItemRef(s.id(), i.key), i.attempt);
        }
        if (i.blocksDownstream() && i.status.terminal()) {
          failed
              .computeIfAbsent(s.id(), k -> new ArrayList<>())
              .add(
                  new RecordedAttempt(
                      new ItemRef(s.id(), i.key), i.attempt, i.order, i.outcome, i.spanId));
        }
      }
    }
    if (retried.size() > LIMIT || failed.values().stream().mapToInt(List::size).sum() > LIMIT) {
      return null;
    }
    failed.values().forEach(l -> l.sort(Comparator.comparingLong(RecordedAttempt::order)));
    return new RecordedRun.Summary(tallies, failed, retried);
  }
}
