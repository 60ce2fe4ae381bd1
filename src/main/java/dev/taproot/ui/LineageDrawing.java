package dev.taproot.ui;

import dev.taproot.lineage.LineageGraph;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The lineage of one item drawn left to right, the way data flowed: its upstream graph and its
 * downstream graph joined at the item. A node's column is its longest distance from a source; edges
 * carry the path that was consumed. Nodes on an origin search's chain are marked.
 */
record LineageDrawing(int width, int height, List<Node> nodes, List<Edge> edges, int hidden) {
  static final int NODE_WIDTH = 190;
  static final int NODE_HEIGHT = 72;

  /** Most nodes drawn; a fan-in's thousands of inputs are listed by the JSON API instead. */
  static final int MAX_NODES = 40;

  private static final int COLUMN_GAP = 130;
  private static final int ROW_GAP = 18;
  private static final int MARGIN = 12;

  /** A box: an execution (step, key, attempt), a run input record, the run input or output. */
  record Node(
      String id,
      String title,
      String detail,
      String status,
      String mark,
      String href,
      int x,
      int y) {
    public int textX() {
      return x + 10;
    }
  }

  /** Data flowed from one node to another through {@code path}. */
  record Edge(String path, String d, int labelX, int labelY) {}

  static LineageDrawing of(
      List<LineageGraph> graphs,
      String root,
      String originNode,
      Set<String> chain,
      java.util.function.Function<LineageGraph.Node, String> href) {
    Map<String, LineageGraph.Node> all = new LinkedHashMap<>();
    Map<String, LineageGraph.Edge> edges = new LinkedHashMap<>();
    for (LineageGraph g : graphs) {
      g.nodes().forEach(n -> all.putIfAbsent(n.id(), n));
      g.edges().forEach(e -> edges.putIfAbsent(e.from() + "->" + e.to(), e));
    }
    // keep the nodes nearest to the item when there are too many
    Map<String, Integer> hops = hops(root, edges.values());
    List<String> kept =
        all.keySet().stream()
            .sorted(java.util.Comparator.comparingInt(id -> hops.getOrDefault(id, 1_000_000)))
            .limit(MAX_NODES)
            .toList();
    Set<String> shown = Set.copyOf(kept);
    Map<String, Integer> column = new HashMap<>();
    boolean changed = true;
    for (String id : kept) {
      column.put(id, 0);
    }
    for (int pass = 0; changed && pass <= kept.size(); pass++) {
      changed = false;
      for (LineageGraph.Edge e : edges.values()) {
        if (shown.contains(e.from()) && shown.contains(e.to())) {
          int c = column.get(e.from()) + 1;
          if (c > column.get(e.to())) {
            column.put(e.to(), c);
            changed = true;
          }
        }
      }
    }
    Map<Integer, Integer> rows = new HashMap<>();
    Map<String, Node> nodes = new LinkedHashMap<>();
    int width = 0;
    int height = 0;
    List<String> ordered =
        all.keySet().stream()
            .filter(shown::contains)
            .sorted(java.util.Comparator.comparingInt(column::get))
            .toList();
    for (String id : ordered) {
      LineageGraph.Node n = all.get(id);
      int c = column.get(id);
      int r = rows.merge(c, 1, Integer::sum) - 1;
      int x = MARGIN + c * (NODE_WIDTH + COLUMN_GAP);
      int y = MARGIN + r * (NODE_HEIGHT + ROW_GAP);
      String mark =
          id.equals(originNode)
              ? "origin"
              : id.equals(root) ? "root" : chain.contains(id) ? "chain" : "";
      nodes.put(id, new Node(id, title(n), detail(n), status(n), mark, href.apply(n), x, y));
      width = Math.max(width, x + NODE_WIDTH + MARGIN);
      height = Math.max(height, y + NODE_HEIGHT + MARGIN);
    }
    List<Edge> drawn = new ArrayList<>();
    for (LineageGraph.Edge e : edges.values()) {
      Node from = nodes.get(e.from());
      Node to = nodes.get(e.to());
      if (from == null || to == null) {
        continue;
      }
      int x1 = from.x() + NODE_WIDTH;
      int y1 = from.y() + NODE_HEIGHT / 2;
      int x2 = to.x();
      int y2 = to.y() + NODE_HEIGHT / 2;
      drawn.add(
          new Edge(
              e.path(), PipelineGraph.curve(x1, y1, x2, y2), (x1 + x2) / 2, Math.min(y1, y2) - 7));
    }
    return new LineageDrawing(
        width, height, List.copyOf(nodes.values()), drawn, all.size() - kept.size());
  }

  private static Map<String, Integer> hops(
      String root, java.util.Collection<LineageGraph.Edge> edges) {
    Map<String, Integer> hops = new HashMap<>(Map.of(root, 0));
    List<String> frontier = List.of(root);
    while (!frontier.isEmpty()) {
      List<String> next = new ArrayList<>();
      for (String id : frontier) {
        for (LineageGraph.Edge e : edges) {
          String other = e.to().equals(id) ? e.from() : e.from().equals(id) ? e.to() : null;
          if (other != null && !hops.containsKey(other)) {
            hops.put(other, hops.get(id) + 1);
            next.add(other);
          }
        }
      }
      frontier = next;
    }
    return hops;
  }

  private static String title(LineageGraph.Node n) {
    return switch (n.kind()) {
      case LineageGraph.EXECUTION -> n.step() + " / " + n.key() + "  #" + n.attempt();
      case LineageGraph.RECORD -> "record " + n.key();
      case LineageGraph.INPUT -> "run input";
      default -> "run output";
    };
  }

  private static String detail(LineageGraph.Node n) {
    if (n.kind().equals(LineageGraph.RECORD)) {
      return "line " + n.line() + " of the run input";
    }
    if (!n.kind().equals(LineageGraph.EXECUTION)) {
      return "";
    }
    return n.status() + (n.functionRef() == null ? "" : " · " + n.functionRef());
  }

  private static String status(LineageGraph.Node n) {
    return n.status() == null ? "value" : n.status();
  }
}
