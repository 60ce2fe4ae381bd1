package dev.taproot.engine;

import dev.taproot.checkpoint.ExecutionStatus;
import dev.taproot.checkpoint.ItemRef;
import dev.taproot.checkpoint.RecordedAttempt;
import dev.taproot.checkpoint.RecordedAttempts;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a finished run recorded, read with narrow queries instead of every checkpoint: a redrive of
 * 10 items of a 100,000-item run reads the failed rows, a count per step and the rows of the items
 * it touches, not 300,000 rows. Every answer is about the latest attempt of each (step, item key)
 * as it was when this object was made; one instance serves one redrive. A resume, which rebuilds
 * every item, reads them all with {@link #latestOfEveryItem}.
 */
final class RecordedRun {
  /** Latest attempts of one step, counted by outcome; the items a redrive leaves alone. */
  record Tally(int succeeded, int failed, int skipped, int blocking) {
    static final Tally NONE = new Tally(0, 0, 0, 0);

    Tally plus(Tally o) {
      return new Tally(
          succeeded + o.succeeded, failed + o.failed, skipped + o.skipped, blocking + o.blocking);
    }

    /** This tally with {@code times} more attempts like {@code r} (fewer when negative). */
    Tally plus(RecordedAttempt r, int times) {
      ExecutionStatus status = r.outcome().status();
      return new Tally(
          succeeded + (status == ExecutionStatus.SUCCEEDED ? times : 0),
          failed + (status == ExecutionStatus.FAILED ? times : 0),
          skipped + (status == ExecutionStatus.SKIPPED ? times : 0),
          blocking + (r.outcome().blocksDownstream() ? times : 0));
    }
  }

  /**
   * What {@link #overview} would read, known without reading it: a run that finished in this
   * service leaves it behind (see {@link Engine}), so a redrive soon after need not scan the run.
   */
  record Summary(
      Map<String, Tally> tallies,
      Map<String, List<RecordedAttempt>> failedOrBlocked,
      Map<ItemRef, Integer> retried) {}

  private final String runId;
  private final RecordedAttempts store;

  /** The latest attempt number of every item with more than one attempt. */
  private Map<ItemRef, Integer> retried;

  private Map<String, List<RecordedAttempt>> failedOrBlocked;
  private Map<String, Tally> tallies;
  private final Map<String, List<RecordedAttempt>> succeeded = new HashMap<>();

  /** Rows looked up by {@link #latest}, by step and item key; null where there is none. */
  private final Map<String, Map<String, RecordedAttempt>> looked = new HashMap<>();

  RecordedRun(String runId, RecordedAttempts store) {
    this.runId = runId;
    this.store = store;
  }

  RecordedRun(String runId, RecordedAttempts store, Summary known) {
    this(runId, store);
    this.tallies = known.tallies();
    this.failedOrBlocked = known.failedOrBlocked();
    this.retried = known.retried();
  }

  /** The latest attempt numbers above 1; what a summary of this run carries on. */
  synchronized Map<ItemRef, Integer> retried() {
    overview();
    return retried;
  }

  String runId() {
    return runId;
  }

  /** Latest attempts that failed or were skipped because upstream failed, by step, in order. */
  synchronized Map<String, List<RecordedAttempt>> failedOrBlocked() {
    overview();
    return failedOrBlocked;
  }

  /** Latest attempts counted per step, over every item (a copy the caller may change). */
  synchronized Map<String, Tally> tallies() {
    overview();
    return new HashMap<>(tallies);
  }

  private void overview() {
    if (tallies != null) {
      return;
    }
    RecordedAttempts.Overview read = store.overview(runId);
    Map<String, Tally> counts = new HashMap<>();
    read.firstTrySucceeded()
        .forEach((step, n) -> counts.merge(step, new Tally(n, 0, 0, 0), Tally::plus));
    Map<ItemRef, Integer> latest = new HashMap<>();
    for (RecordedAttempt r : read.rest()) {
      counts.merge(r.step(), Tally.NONE.plus(r, 1), Tally::plus);
      if (r.attempt() > 1) {
        latest.merge(r.item(), r.attempt(), Math::max);
      }
    }
    retried = latest;
    Map<String, List<RecordedAttempt>> failed = new LinkedHashMap<>();
    for (RecordedAttempt r : read.rest()) {
      if (isLatest(r) && r.outcome().blocksDownstream()) {
        failed.computeIfAbsent(r.step(), k -> new ArrayList<>()).add(r);
      }
    }
    failed.values().forEach(l -> l.sort(Comparator.comparingLong(RecordedAttempt::order)));
    failedOrBlocked = failed;
    // Earlier attempts of retried items were counted too; only the latest one counts.
    Map<String, List<String>> retriedByStep = new HashMap<>();
    latest
        .keySet()
        .forEach(i -> retriedByStep.computeIfAbsent(i.step(), s -> new ArrayList<>()).add(i.key()));
    retriedByStep.forEach(
        (step, keys) -> {
          for (RecordedAttempt r : store.attemptsOf(runId, step, keys)) {
            if (!isLatest(r)) {
              counts.merge(step, Tally.NONE.plus(r, -1), Tally::plus);
            }
          }
        });
    tallies = counts;
  }

  /** The item keys of a step, in item order. */
  List<String> keysOf(String step) {
    return store.keysOf(runId, step);
  }

  /**
   * The latest attempts of the given items of a step, by item key. Remembered, since choosing what
   * a redrive runs and restarting it ask about the same items.
   */
  synchronized Map<String, RecordedAttempt> latest(String step, Collection<String> keys) {
    Map<String, RecordedAttempt> known = looked.computeIfAbsent(step, s -> new HashMap<>());
    List<String> unknown = keys.stream().filter(k -> !known.containsKey(k)).distinct().toList();
    if (!unknown.isEmpty()) {
      unknown.forEach(k -> known.put(k, null));
      for (RecordedAttempt r : store.attemptsOf(runId, step, unknown)) {
        known.merge(r.key(), r, RecordedAttempt::latest);
      }
    }
    Map<String, RecordedAttempt> out = new HashMap<>();
    for (String k : keys) {
      RecordedAttempt r = known.get(k);
      if (r != null) {
        out.put(k, r);
      }
    }
    return out;
  }

  /** The latest attempt of every item of the run: what a resumed run is rebuilt from. */
  Map<ItemRef, RecordedAttempt> latestOfEveryItem() {
    Map<ItemRef, RecordedAttempt> out = new HashMap<>();
    // Keeping the latest here spares the database a sort of every row of a big run.
    for (RecordedAttempt r : store.attemptsOf(runId)) {
      out.merge(r.item(), r, RecordedAttempt::latest);
    }
    return out;
  }

  /** The succeeded latest attempts of a step, in item order (what a fan-in over it reads). */
  synchronized List<RecordedAttempt> succeeded(String step) {
    return succeeded.computeIfAbsent(
        step,
        s -> {
          overview();
          List<RecordedAttempt> out = new ArrayList<>();
          for (RecordedAttempt r : store.succeeded(runId, s)) {
            if (isLatest(r)) {
              out.add(r);
            }
          }
          return Collections.unmodifiableList(out);
        });
  }

  private boolean isLatest(RecordedAttempt r) {
    Integer latest = retried.get(r.item());
    return latest == null || latest == r.attempt();
  }
}
