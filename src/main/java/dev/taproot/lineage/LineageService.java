package dev.taproot.lineage;

import com.fasterxml.jackson.databind.JsonNode;
import dev.taproot.checkpoint.AttemptRef;
import dev.taproot.checkpoint.Checkpoint;
import dev.taproot.checkpoint.CheckpointValues;
import dev.taproot.checkpoint.ExecutionStore;
import dev.taproot.checkpoint.ItemRef;
import dev.taproot.checkpoint.LineageStore;
import dev.taproot.checkpoint.RunStore;
import dev.taproot.checkpoint.StoredRecord;
import dev.taproot.checkpoint.StoredRun;
import dev.taproot.checkpoint.ValueAt;
import dev.taproot.definition.WorkflowCatalog;
import dev.taproot.definition.WorkflowDefinition;
import dev.taproot.error.ConflictException;
import dev.taproot.error.InvalidParameterException;
import dev.taproot.error.NotFoundException;
import dev.taproot.expression.Reference;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Walks the lineage edges recorded with every checkpoint: upstream from an item back to the run
 * input record it came from, or downstream to the run output.
 */
@ApplicationScoped
public class LineageService {
  /** More nodes than this (a fan-in over a large batch) are cut off and the graph says so. */
  static final int MAX_NODES = 2_000;

  private final ExecutionStore checkpoints;
  private final LineageStore edges;
  private final RunStore runs;
  private final CheckpointValues checkpointValues;
  private final WorkflowCatalog catalog;

  LineageService(
      ExecutionStore checkpoints,
      LineageStore edges,
      RunStore runs,
      CheckpointValues checkpointValues,
      WorkflowCatalog catalog) {
    this.edges = edges;
    this.runs = runs;
    this.checkpoints = checkpoints;
    this.checkpointValues = checkpointValues;
    this.catalog = catalog;
  }

  /** Which way to walk. */
  public enum Direction {
    UPSTREAM,
    DOWNSTREAM;

    public static Direction parse(String value) {
      if (value == null || value.isBlank() || value.equalsIgnoreCase("upstream")) {
        return UPSTREAM;
      }
      if (value.equalsIgnoreCase("downstream")) {
        return DOWNSTREAM;
      }
      throw new InvalidParameterException(
          "direction", "'" + value + "' is not a direction: use upstream or downstream");
    }
  }

  public LineageGraph graph(
      StoredRun run, String step, String key, Direction direction, boolean values) {
    LineageGraph.Node root = executionNode(run.id(), new ItemRef(step, key), null);
    Map<String, LineageGraph.Node> nodes = new LinkedHashMap<>();
    List<LineageGraph.Edge> edges = new ArrayList<>();
    Deque<LineageGraph.Node> queue = new ArrayDeque<>();
    nodes.put(root.id(), root);
    queue.add(root);
    boolean truncated = false;
    while (!queue.isEmpty()) {
      LineageGraph.Node node = queue.poll();
      List<Hop> hops =
          direction == Direction.UPSTREAM ? upstream(run, node) : downstream(run, node);
      for (Hop hop : hops) {
        if (!nodes.containsKey(hop.other().id())) {
          if (nodes.size() >= MAX_NODES) {
            truncated = true;
            continue;
          }
          nodes.put(hop.other().id(), hop.other());
          queue.add(hop.other());
        }
        edges.add(
            direction == Direction.UPSTREAM
                ? new LineageGraph.Edge(hop.other().id(), node.id(), hop.path())
                : new LineageGraph.Edge(node.id(), hop.other().id(), hop.path()));
      }
    }
    if (direction == Direction.DOWNSTREAM) {
      addRunOutput(run, nodes, edges);
    }
    List<LineageGraph.Node> list = new ArrayList<>(nodes.values());
    if (values) {
      list = withValues(run.id(), list);
    }
    return new LineageGraph(
        run.id(), root.id(), direction.name().toLowerCase(), list, edges, truncated);
  }

  /** The newest attempt of an item, or the given attempt. */
  LineageGraph.Node executionNode(String runId, ItemRef item, Integer attempt) {
    List<Checkpoint> rows = checkpoints.attempts(runId, item);
    if (rows.isEmpty()) {
      throw new NotFoundException(
          "step '"
              + item.step()
              + "' of run "
              + runId
              + " has no checkpoint for item '"
              + item.key()
              + "'; list them with GET /api/v1/runs/"
              + runId
              + "/steps/"
              + item.step()
              + "/items");
    }
    Checkpoint row =
        attempt == null
            ? rows.get(rows.size() - 1)
            : rows.stream()
                .filter(r -> r.attempt().number() == attempt)
                .findFirst()
                .orElseThrow(() -> new ConflictException("no attempt " + attempt + " of " + item));
    return LineageGraph.Node.execution(row);
  }

  private record Hop(LineageGraph.Node other, String path) {}

  private Hop hop(StoredRun run, LineageStore.Hop h) {
    return new Hop(
        h.other() == null
            ? inputNode(run, h.recordKey())
            : executionNode(run.id(), h.other().item(), h.other().number()),
        h.path());
  }

  private List<Hop> upstream(StoredRun run, LineageGraph.Node node) {
    if (!node.kind().equals(LineageGraph.EXECUTION)) {
      return List.of();
    }
    return edges.upstream(attempt(run, node)).stream().map(h -> hop(run, h)).toList();
  }

  private List<Hop> downstream(StoredRun run, LineageGraph.Node node) {
    List<LineageStore.Hop> found;
    if (node.kind().equals(LineageGraph.EXECUTION)) {
      found = edges.downstream(attempt(run, node));
    } else if (node.kind().equals(LineageGraph.RECORD)) {
      found = edges.downstreamOfRecord(run.id(), node.key());
    } else {
      return List.of();
    }
    return found.stream().map(h -> hop(run, h)).toList();
  }

  private static AttemptRef attempt(StoredRun run, LineageGraph.Node node) {
    return new AttemptRef(run.id(), new ItemRef(node.step(), node.key()), node.attempt());
  }

  /** The run input, or one record of an x-ndjson upload (with its line number). */
  LineageGraph.Node inputNode(StoredRun run, String recordKey) {
    if (recordKey == null) {
      return LineageGraph.Node.input(run.inputDigest());
    }
    return LineageGraph.Node.record(
        recordKey, runs.recordDigest(run.id(), Integer.parseInt(recordKey)));
  }

  private void addRunOutput(
      StoredRun run, Map<String, LineageGraph.Node> nodes, List<LineageGraph.Edge> edges) {
    WorkflowDefinition def = catalog.definition(run.workflow(), run.version());
    if (def.output() == null || run.outputDigest() == null) {
      return;
    }
    Set<String> outputSteps = new HashSet<>();
    for (Reference r : def.output().references()) {
      if (r.stepId() != null) {
        outputSteps.add(r.stepId());
      }
    }
    LineageGraph.Node output = LineageGraph.Node.output(run.outputDigest());
    for (LineageGraph.Node n : List.copyOf(nodes.values())) {
      if (n.kind().equals(LineageGraph.EXECUTION)
          && outputSteps.contains(n.step())
          && "succeeded".equals(n.status())) {
        nodes.putIfAbsent(output.id(), output);
        edges.add(new LineageGraph.Edge(n.id(), output.id(), "output"));
      }
    }
  }

  private static JsonNode valueOf(StoredRecord record) {
    return record == null ? null : record.value();
  }

  private List<LineageGraph.Node> withValues(String runId, List<LineageGraph.Node> nodes) {
    List<ValueAt> wanted = new ArrayList<>();
    List<Integer> recordKeys = new ArrayList<>();
    for (LineageGraph.Node n : nodes) {
      AttemptRef recordedBy =
          n.kind().equals(LineageGraph.EXECUTION)
              ? new AttemptRef(runId, new ItemRef(n.step(), n.key()), n.attempt())
              : null;
      if (n.kind().equals(LineageGraph.RECORD)) {
        recordKeys.add(Integer.parseInt(n.key()));
        continue;
      }
      if (n.inputDigest() != null) {
        wanted.add(new ValueAt(n.inputDigest(), recordedBy, false));
      }
      if (n.outputDigest() != null) {
        wanted.add(new ValueAt(n.outputDigest(), recordedBy, true));
      }
    }
    Map<String, JsonNode> values = checkpointValues.read(wanted);
    // a record may be kept in its run_record row rather than under its digest
    Map<Integer, StoredRecord> records = runs.records(runId, recordKeys);
    return nodes.stream()
        .map(
            n ->
                n.kind().equals(LineageGraph.RECORD)
                    ? n.withValues(null, valueOf(records.get(Integer.parseInt(n.key()))))
                    : n.withValues(values.get(n.inputDigest()), values.get(n.outputDigest())))
        .toList();
  }
}
