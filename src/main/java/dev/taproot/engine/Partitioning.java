package dev.taproot.engine;

import com.fasterxml.jackson.databind.JsonNode;
import dev.taproot.checkpoint.ItemRange;
import dev.taproot.definition.ForEach;
import dev.taproot.definition.StepDefinition;
import dev.taproot.definition.WorkflowDefinition;
import dev.taproot.expression.Bindings;
import dev.taproot.expression.CelValues;
import dev.taproot.expression.ExpressionException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Which steps of a workflow can be split into partitions of items, and into which. A partition
 * holds items {@code [first, end)} of every <em>root</em> (a forEach over a list that only the run
 * input gives) and the same items of each step that follows a partitioned step item by item and
 * needs nothing else. Everything else (fan-ins, single items, steps that also read whole steps)
 * belongs to the run's coordinator, which starts once every partition is done, so no step ever sees
 * part of the items it reads as a whole.
 */
record Partitioning(Set<String> steps, List<String> roots) {

  static Partitioning of(WorkflowDefinition def) {
    Set<String> steps = new LinkedHashSet<>();
    List<String> roots = new ArrayList<>();
    for (String id : def.topologicalOrder()) {
      StepDefinition s = def.steps().get(id);
      if (s.forEach() instanceof ForEach.OverList && s.dependsOn().isEmpty()) {
        steps.add(id);
        roots.add(id);
      } else if (s.itemWiseUpstream().map(steps::contains).orElse(false)
          && s.dependsOn().equals(Set.of(s.itemWiseUpstream().get()))) {
        steps.add(id);
      }
    }
    return new Partitioning(Set.copyOf(steps), List.copyOf(roots));
  }

  /**
   * The partitions of an x-ndjson run of {@code records} records: only when every root is exactly
   * {@code input.records} (the input as a whole is never in memory to evaluate anything else).
   */
  List<ItemRange> rangesOverRecords(WorkflowDefinition def, int records, int size) {
    for (String root : roots) {
      ForEach.OverList over = (ForEach.OverList) def.steps().get(root).forEach();
      boolean overRecords =
          over.expression()
              .soleReference()
              .filter(
                  r ->
                      r.kind() == dev.taproot.expression.Reference.Kind.INPUT
                          && r.path().equals("input.records"))
              .isPresent();
      if (!overRecords) {
        return List.of();
      }
    }
    return split(roots.isEmpty() ? 0 : records, size);
  }

  /**
   * The partitions of a run with this input: none when its roots give {@code size} items or fewer
   * (or when a root's list cannot be known before it runs: its coordinator then reports that).
   */
  List<ItemRange> ranges(WorkflowDefinition def, JsonNode input, int size) {
    long items = 0;
    Bindings bindings =
        new Bindings() {
          @Override
          public Object celValue(String variable) {
            return "input".equals(variable) ? CelValues.toCel(input) : null;
          }

          @Override
          public JsonNode jsonValue(String variable) {
            return "input".equals(variable) ? input : null;
          }
        };
    for (String root : roots) {
      ForEach.OverList over = (ForEach.OverList) def.steps().get(root).forEach();
      JsonNode list;
      try {
        list = over.expression().evaluate(bindings);
      } catch (ExpressionException e) {
        return List.of();
      }
      if (!list.isArray()) {
        return List.of();
      }
      items = Math.max(items, list.size());
    }
    return split(items, size);
  }

  private static List<ItemRange> split(long items, int size) {
    if (size <= 0 || items <= size) {
      return List.of();
    }
    List<ItemRange> out = new ArrayList<>();
    for (long first = 0; first < items; first += size) {
      out.add(new ItemRange(first, Math.min(items, first + size)));
    }
    return out;
  }
}
