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
 * @param itemValue the {@code item} variable (null for a step without forEach)
 * @param stepValues the {@code steps} variable, restricted to the steps the input references
 */
record ExecutionTask(
    RunState run,
    StepState step,
    ItemState item,
    int attempt,
    JsonNode itemValue,
    Map<String, Object> stepValues,
    List<LineageEdge> edges,
    List<String> upstreamSpanIds,
    long readyNanos,
    long sequence)
    implements Comparable<ExecutionTask> {

  private static final AtomicLong SEQUENCE = new AtomicLong();

  static ExecutionTask of(
      RunState run,
      StepState step,
      ItemState item,
      int attempt,
      JsonNode itemValue,
      Map<String, Object> stepValues,
      List<LineageEdge> edges,
      List<String> upstreamSpanIds) {
    return new ExecutionTask(
        run,
        step,
        item,
        attempt,
        itemValue,
        stepValues,
        edges,
        upstreamSpanIds,
        System.nanoTime(),
        SEQUENCE.incrementAndGet());
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
