package dev.taproot.engine;

import dev.taproot.definition.StepDefinition;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** The items of one step inside a live run. Guarded by its {@link RunState}'s lock. */
final class StepState {
  final StepDefinition def;

  /**
   * Longer paths from a root run first, so records flow through the pipeline instead of piling up.
   */
  final int depth;

  final Map<String, ItemState> items = new HashMap<>();

  /** Items exist (or, item-wise, are being accepted). */
  boolean expanded;

  /** Items are being created; a count of zero unfinished does not mean done yet. */
  boolean expanding;

  boolean done;
  int unfinished;
  int blocking;

  /** Ended items skipped by a {@code when}: an item-wise follower makes no item for them. */
  int filtered;

  /** Item-wise step whose other dependencies failed: every item it receives is skipped. */
  boolean upstreamBlocked;

  /** Span covering a forEach step's items; null for a step without forEach. */
  String spanId;

  /** Item "0" of a step without forEach, converted to a CEL value once for every reader. */
  Object celOutput;

  /**
   * A forEach step whose outputs only item-wise followers read, each its own item's: an ended
   * item's output is dropped once its followers have it (see RunState.terminal).
   */
  boolean onlyFollowed;

  /** Set for a forEach over an x-ndjson upload's records, whose items are made a window at once. */
  RecordWindow records;

  /** How far the items of a forEach over streamed records are made. */
  static final class RecordWindow {
    /** Most unfinished items at once: enough to keep every worker busy, few enough to be small. */
    static final int SIZE = 4096;

    /** Records read from the store in one query. */
    static final int CHUNK = 512;

    final int count;
    final List<dev.taproot.expression.Reference> sources;
    int next;
    boolean refilling;

    /** Records {@code [first, end)}: all of them, or one partition's. */
    RecordWindow(int first, int end, List<dev.taproot.expression.Reference> sources) {
      this.next = first;
      this.count = end;
      this.sources = sources;
    }
  }

  /** Records not made into items yet, or being made: the step is not done. */
  boolean recordsLeft() {
    return records != null && (records.refilling || records.next < records.count);
  }

  StepState(StepDefinition def, int depth) {
    this.def = def;
    this.depth = depth;
  }

  String id() {
    return def.id();
  }

  private final int[] counts = new int[ItemStatus.values().length];

  /** Attempts of this step on a worker right now (workers update it without the run's lock). */
  final AtomicInteger executing = new AtomicInteger();

  /** Whether this step runs item k as soon as item k of {@code upstream} has ended. */
  boolean followsItemsOf(String upstream) {
    return def.followsItemsOf(upstream);
  }

  /** Counts items a redrive leaves as recorded: they exist only as these numbers. */
  void recover(RecordedRun.Tally tally) {
    counts[ItemStatus.SUCCEEDED.ordinal()] += tally.succeeded();
    counts[ItemStatus.FAILED.ordinal()] += tally.failed();
    counts[ItemStatus.SKIPPED.ordinal()] += tally.skipped();
    blocking += tally.blocking();
  }

  /** This step's items by outcome, once all are finished. */
  RecordedRun.Tally tally() {
    return new RecordedRun.Tally(
        counts[ItemStatus.SUCCEEDED.ordinal()],
        counts[ItemStatus.FAILED.ordinal()],
        counts[ItemStatus.SKIPPED.ordinal()],
        blocking);
  }

  /** Ended items an item-wise follower makes an item for when it starts. */
  int endedToFollow() {
    return counts[ItemStatus.SUCCEEDED.ordinal()]
        + counts[ItemStatus.FAILED.ordinal()]
        + counts[ItemStatus.SKIPPED.ordinal()]
        - filtered;
  }

  int failed() {
    return counts[ItemStatus.FAILED.ordinal()];
  }

  void setStatus(ItemState item, ItemStatus status) {
    if (item.counted) {
      counts[item.status.ordinal()]--;
    }
    item.counted = true;
    item.status = status;
    counts[status.ordinal()]++;
  }

  /** pending / running / succeeded / failed / skipped, as a user reads them. */
  Map<String, Integer> counts() {
    int onWorkers = Math.min(executing.get(), counts[ItemStatus.PENDING.ordinal()]);
    Map<String, Integer> out = new LinkedHashMap<>();
    out.put("pending", counts[ItemStatus.PENDING.ordinal()] - onWorkers);
    out.put("running", counts[ItemStatus.RUNNING.ordinal()] + onWorkers);
    out.put("succeeded", counts[ItemStatus.SUCCEEDED.ordinal()]);
    out.put("failed", counts[ItemStatus.FAILED.ordinal()]);
    out.put("skipped", counts[ItemStatus.SKIPPED.ordinal()]);
    return out;
  }

  List<ItemState> itemsInOrder() {
    List<ItemState> list = new ArrayList<>(items.values());
    list.sort(Comparator.comparingLong(i -> i.order));
    return list;
  }
}
