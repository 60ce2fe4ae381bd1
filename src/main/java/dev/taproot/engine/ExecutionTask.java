package dev.taproot.engine;

import com.fasterxml.jackson.databind.JsonNode;
import dev.taproot.checkpoint.ItemRef;
import dev.taproot.checkpoint.LineageEdge;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One attempt waiting for a worker: everything its input is built from was captured when it became
 * ready, so a worker never reads the run's mutable state.
 *
 * @param readyNanos when it became ready (for the queue-wait metric)
 * @param sequence arrival order, the last tie-breaker of the queue
 */
record ExecutionTask(
    RunState run,
    StepState step,
    ItemState item,
    int attempt,
    Captured inputs,
    long readyNanos,
    long sequence)
    implements Comparable<ExecutionTask> {

  /**
   * What the attempt's input is built from and what it consumed.
   *
   * @param itemValue the {@code item} variable (null for a step without forEach)
   * @param stepValues the {@code steps} variable, restricted to the steps the input references
   * @param edges where each consumed value came from
   * @param upstreamSpanIds the spans of the attempts that produced them, for links
   * @param itemRecordDigest the digest of the upload record {@code itemValue} is; null when it is
   *     not one
   */
  record Captured(
      JsonNode itemValue,
      Map<String, Object> stepValues,
      List<LineageEdge> edges,
      List<String> upstreamSpanIds,
      String itemRecordDigest) {}

  private static final AtomicLong SEQUENCE = new AtomicLong();

  static ExecutionTask of(
      RunState run, StepState step, ItemState item, int attempt, Captured inputs) {
    return new ExecutionTask(
        run, step, item, attempt, inputs, System.nanoTime(), SEQUENCE.incrementAndGet());
  }

  JsonNode itemValue() {
    return inputs.itemValue();
  }

  Map<String, Object> stepValues() {
    return inputs.stepValues();
  }

  List<LineageEdge> edges() {
    return inputs.edges();
  }

  List<String> upstreamSpanIds() {
    return inputs.upstreamSpanIds();
  }

  String stepId() {
    return step.id();
  }

  String itemKey() {
    return item.key;
  }

  ItemRef itemRef() {
    return new ItemRef(step.id(), item.key);
  }

  /** Deeper steps first (records flow through), then item order, then arrival. */
  @Override
  public int compareTo(ExecutionTask o) {
    if (step.depth != o.step.depth) {
      return Integer.compare(o.step.depth, step.depth);
    }
    if (item.order != o.item.order) {
      return Long.compare(item.order, o.item.order);
    }
    return Long.compare(sequence, o.sequence);
  }
}
