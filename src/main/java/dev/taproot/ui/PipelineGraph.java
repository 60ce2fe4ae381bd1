package dev.taproot.ui;

import dev.taproot.definition.ForEach;
import dev.taproot.definition.StepDefinition;
import dev.taproot.definition.WorkflowDefinition;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The pipeline drawn as boxes and edges: a step's column is the length of the longest path from a
 * step without dependencies, its row its place in YAML order inside the column. Coordinates are SVG
 * user units; the template draws them.
 */
record PipelineGraph(int width, int height, List<Box> boxes, List<Arrow> arrows) {
  static final int BOX_WIDTH = 200;
  static final int BOX_HEIGHT = 92;
  private static final int COLUMN_GAP = 70;
  private static final int ROW_GAP = 24;
  private static final int MARGIN = 12;

  /** One step: where it is drawn, what it runs, its counts and the page of its items. */
  record Box(
      String step,
      String kind,
      String function,
      int x,
      int y,
      int succeeded,
      int failed,
      int skipped,
      int running,
      int pending,
      String href) {
    /** What a screen reader says for the box. */
    public String label() {
      return "step %s, %s: %d succeeded, %d failed, %d skipped, %d running, %d pending"
          .formatted(step, state(), succeeded, failed, skipped, running, pending);
    }

    public String state() {
      if (failed > 0) {
        return "failed";
      }
      if (running > 0 || pending > 0 && succeeded + skipped > 0) {
        return "running";
      }
      if (succeeded > 0 && skipped == 0) {
        return "succeeded";
      }
      if (skipped > 0 && succeeded == 0) {
        return "skipped";
      }
      return succeeded > 0 ? "succeeded" : "pending";
    }

    public int textX() {
      return x + 10;
    }

    public int right() {
      return x + BOX_WIDTH;
    }

    public int bottom() {
      return y + BOX_HEIGHT;
    }
  }

  /** An edge of the DAG, drawn as a curve from the right side of one box to the left of another. */
  record Arrow(String from, String to, String path) {}

  static PipelineGraph of(
      WorkflowDefinition def, Map<String, Map<String, Integer>> counts, String itemsHref) {
    Map<String, Integer> column = new HashMap<>();
    for (String id : def.topologicalOrder()) {
      int c = 0;
      for (String dep : def.steps().get(id).dependsOn()) {
        c = Math.max(c, column.get(dep) + 1);
      }
      column.put(id, c);
    }
    Map<Integer, Integer> rows = new HashMap<>();
    Map<String, Box> boxes = new java.util.LinkedHashMap<>();
    int width = 0;
    int height = 0;
    for (String id : def.steps().keySet()) {
      StepDefinition step = def.steps().get(id);
      int c = column.get(id);
      int r = rows.merge(c, 1, Integer::sum) - 1;
      int x = MARGIN + c * (BOX_WIDTH + COLUMN_GAP);
      int y = MARGIN + r * (BOX_HEIGHT + ROW_GAP);
      Map<String, Integer> n = counts.getOrDefault(id, Map.of());
      Box box =
          new Box(
              id,
              kind(def, step),
              def.functions().get(step.function()).ref(),
              x,
              y,
              n.getOrDefault("succeeded", 0),
              n.getOrDefault("failed", 0),
              n.getOrDefault("skipped", 0),
              n.getOrDefault("running", 0),
              n.getOrDefault("pending", 0),
              itemsHref.replace("{step}", id));
      boxes.put(id, box);
      width = Math.max(width, x + BOX_WIDTH + MARGIN);
      height = Math.max(height, y + BOX_HEIGHT + MARGIN);
    }
    List<Arrow> arrows = new ArrayList<>();
    for (String id : def.topologicalOrder()) {
      Box to = boxes.get(id);
      for (String dep : def.steps().get(id).dependsOn()) {
        Box from = boxes.get(dep);
        arrows.add(
            new Arrow(
                dep,
                id,
                curve(from.right(), from.y() + BOX_HEIGHT / 2, to.x(), to.y() + BOX_HEIGHT / 2)));
      }
    }
    return new PipelineGraph(width, height, List.copyOf(boxes.values()), arrows);
  }

  static String curve(int x1, int y1, int x2, int y2) {
    int mid = (x1 + x2) / 2;
    return "M" + x1 + "," + y1 + " C" + mid + "," + y1 + " " + mid + "," + y2 + " " + (x2 - 6) + ","
        + y2;
  }

  private static String kind(WorkflowDefinition def, StepDefinition step) {
    ForEach f = step.forEach();
    if (f instanceof ForEach.ItemWise iw) {
      return "item by item after " + iw.upstreamStep();
    }
    if (f instanceof ForEach.OverList) {
      return "for each element";
    }
    boolean gathers = step.dependsOn().stream().anyMatch(d -> def.steps().get(d).hasForEach());
    return gathers ? "gathers all items" : "runs once";
  }
}
