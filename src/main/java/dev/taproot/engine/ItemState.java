package dev.taproot.engine;

import com.fasterxml.jackson.databind.JsonNode;
import dev.taproot.checkpoint.LineageEdge;
import dev.taproot.checkpoint.Outcome;
import dev.taproot.checkpoint.RecordedAttempt;
import dev.taproot.checkpoint.StoredRecord;
import java.util.List;

/** One (step, item key) of a live run. Guarded by its {@link RunState}'s lock. */
final class ItemState {
  final String step;
  final String key;
  final long order;

  /**
   * The value bound to {@code item} (null for a step without forEach). For an item-wise step it is
   * built from {@link #follows} when first needed, since most recovered items never need it.
   */
  JsonNode item;

  /**
   * The digest of the upload record {@link #item} is, for an item over {@code input.records}; a
   * checkpoint whose input is that record points at it instead of keeping its bytes again.
   */
  String recordDigest;

  /** The upstream item an item-wise item follows; null otherwise. */
  final ItemState follows;

  /** Where the item value came from, for lineage. */
  final List<LineageEdge> origin;

  /** Changed only through {@link StepState#setStatus}, which keeps the step's counts. */
  ItemStatus status = ItemStatus.PENDING;

  boolean counted;

  /** Span of the latest committed attempt (null when it was not exported). */
  String spanId;

  /** Span of the attempt a redrive replaces, for the link between them. */
  String replacedSpanId;

  /** Code and message of the latest failed attempt, for the retry event. */
  String lastError;

  int attempt;

  /** How the latest committed attempt ended; null while none has. */
  Outcome outcome;

  /** The succeeded output, or null while only its digest is known (recovered from a checkpoint). */
  JsonNode output;

  /** The one item of a step without forEach. */
  static ItemState single(String step) {
    return new ItemState(step, "0", 0, null, null, List.of());
  }

  /** An item of a forEach over a list, bound to {@code value}. */
  static ItemState ofValue(
      String step, String key, long order, JsonNode value, List<LineageEdge> origin) {
    return new ItemState(step, key, order, value, null, origin);
  }

  /** An item of a forEach over the records of an x-ndjson upload: record {@code index}. */
  static ItemState ofRecord(String step, int index, StoredRecord record, List<LineageEdge> origin) {
    ItemState state =
        new ItemState(step, Integer.toString(index), index, record.value(), null, origin);
    state.recordDigest = record.digest();
    return state;
  }

  /** The item of an item-wise step that follows {@code upstream}, item by item. */
  static ItemState following(String step, ItemState upstream) {
    return new ItemState(
        step,
        upstream.key,
        upstream.order,
        null,
        upstream,
        List.of(new LineageEdge(upstream.step, upstream.key, upstream.attempt, "item")));
  }

  /**
   * The recorded outcome of an item a redrive does not rebuild, for the selected item-wise items
   * that follow it; it belongs to no step's items.
   */
  static ItemState recorded(RecordedAttempt r) {
    ItemState state = new ItemState(r.item().step(), r.key(), r.order(), null, null, List.of());
    state.attempt = r.attempt();
    state.spanId = r.spanId();
    state.outcome = r.outcome();
    state.status = ItemStatus.of(r.outcome());
    return state;
  }

  private ItemState(
      String step,
      String key,
      long order,
      JsonNode item,
      ItemState follows,
      List<LineageEdge> origin) {
    this.step = step;
    this.key = key;
    this.order = order;
    this.item = item;
    this.follows = follows;
    this.origin = origin;
  }

  /** Failed, or skipped because something upstream failed: blocks fan-in and followers. */
  boolean blocksDownstream() {
    return outcome != null && outcome.blocksDownstream();
  }

  /** Skipped by its own or an upstream {@code when}: followers do not see it at all. */
  boolean filtered() {
    return outcome != null && outcome.filtered();
  }

  /** The digest of the succeeded output; null unless the item succeeded. */
  String outputDigest() {
    return outcome instanceof Outcome.Succeeded s ? s.outputDigest() : null;
  }
}
