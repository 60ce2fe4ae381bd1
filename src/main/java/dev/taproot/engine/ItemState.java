package dev.taproot.engine;

import com.fasterxml.jackson.databind.JsonNode;
import dev.taproot.checkpoint.LineageEdge;
import java.util.List;

/** One (step, item key) of a live run. Guarded by its {@link RunState}'s lock. */
final class ItemState {
  final String key;
  final long order;

  /** The value bound to {@code item} (null for a step without forEach). */
  final JsonNode item;

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
  JsonNode output;

  /**
   * Failed, or skipped because something upstream failed: blocks fan-in and item-wise followers.
   */
  boolean blocksDownstream;

  /** Skipped by its own or an upstream {@code when}: followers do not see it at all. */
  boolean filtered;

  ItemState(String key, long order, JsonNode item, List<LineageEdge> origin) {
    this.key = key;
    this.order = order;
    this.item = item;
    this.origin = origin;
  }
}
