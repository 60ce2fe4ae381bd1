package dev.taproot.lineage;

import com.fasterxml.jackson.databind.JsonNode;
import dev.taproot.checkpoint.CheckpointQueries;
import dev.taproot.checkpoint.PayloadStore;
import dev.taproot.checkpoint.RunEntity;
import dev.taproot.definition.WorkflowCatalog;
import dev.taproot.definition.WorkflowDefinition;
import dev.taproot.error.ConflictException;
import dev.taproot.error.InvalidParameterException;
import dev.taproot.error.NotFoundException;
import dev.taproot.expression.Reference;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
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

  private final AgroalDataSource dataSource;
  private final CheckpointQueries checkpoints;
  private final PayloadStore payloads;
  private final WorkflowCatalog catalog;

  LineageService(
      AgroalDataSource dataSource,
      CheckpointQueries checkpoints,
      PayloadStore payloads,
      WorkflowCatalog catalog) {
    this.dataSource = dataSource;
    this.checkpoints = checkpoints;
    this.payloads = payloads;
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
      RunEntity run, String step, String key, Direction direction, boolean values) {
    LineageGraph.Node root = executionNode(run.id, step, key, null);
    Map<String, LineageGraph.Node> nodes = new LinkedHashMap<>();
    List<LineageGraph.Edge> edges = new ArrayList<>();
    Deque<LineageGraph.Node> queue = new ArrayDeque<>();
    nodes.put(root.id(), root);
    queue.add(root);
    boolean truncated = false;
    try (Connection c = dataSource.getConnection()) {
      while (!queue.isEmpty()) {
        LineageGraph.Node node = queue.poll();
        List<Hop> hops =
            direction == Direction.UPSTREAM ? upstream(c, run, node) : downstream(c, run, node);
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
    } catch (SQLException e) {
      throw new IllegalStateException(
          "could not read lineage of run " + run.id + ": " + e.getMessage(), e);
    }
    if (direction == Direction.DOWNSTREAM) {
      addRunOutput(run, nodes, edges);
    }
    List<LineageGraph.Node> list = new ArrayList<>(nodes.values());
    if (values) {
      list = withValues(list);
    }
    return new LineageGraph(
        run.id, root.id(), direction.name().toLowerCase(), list, edges, truncated);
  }

  /** The newest attempt of (step, key), or the given attempt. */
  LineageGraph.Node executionNode(String runId, String step, String key, Integer attempt) {
    List<CheckpointQueries.Row> rows = checkpoints.attempts(runId, step, key);
    if (rows.isEmpty()) {
      throw new NotFoundException(
          "step '"
              + step
              + "' of run "
              + runId
              + " has no checkpoint for item '"
              + key
              + "'; list them with GET /api/v1/runs/"
              + runId
              + "/steps/"
              + step
              + "/items");
    }
    CheckpointQueries.Row row =
        attempt == null
            ? rows.get(rows.size() - 1)
            : rows.stream()
                .filter(r -> r.attempt() == attempt)
                .findFirst()
                .orElseThrow(
                    () ->
                        new ConflictException("no attempt " + attempt + " of " + step + "/" + key));
    return LineageGraph.Node.execution(row);
  }

  private record Hop(LineageGraph.Node other, String path) {}

  private List<Hop> upstream(Connection c, RunEntity run, LineageGraph.Node node)
      throws SQLException {
    if (!node.kind().equals(LineageGraph.EXECUTION)) {
      return List.of();
    }
    List<Hop> hops = new ArrayList<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT from_step, from_key, from_attempt, path FROM lineage_edge WHERE run_id = ? AND step_id = ? AND item_key = ? AND attempt = ?")) {
      ps.setString(1, run.id);
      ps.setString(2, node.step());
      ps.setString(3, node.key());
      ps.setInt(4, node.attempt());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          String fromStep = rs.getString(1);
          String fromKey = rs.getString(2);
          int fromAttempt = rs.getInt(3);
          String path = rs.getString(4);
          if (fromStep == null) {
            hops.add(new Hop(inputNode(run, fromKey), path));
          } else {
            hops.add(new Hop(executionNode(run.id, fromStep, fromKey, fromAttempt), path));
          }
        }
      }
    }
    return hops;
  }

  private List<Hop> downstream(Connection c, RunEntity run, LineageGraph.Node node)
      throws SQLException {
    String sql;
    if (node.kind().equals(LineageGraph.EXECUTION)) {
      sql =
          "SELECT step_id, item_key, attempt, path FROM lineage_edge WHERE run_id = ? AND from_step = ? AND from_key = ? AND from_attempt = ?";
    } else if (node.kind().equals(LineageGraph.RECORD)) {
      sql =
          "SELECT step_id, item_key, attempt, path FROM lineage_edge WHERE run_id = ? AND from_step IS NULL AND from_key = ?";
    } else {
      return List.of();
    }
    List<Hop> hops = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, run.id);
      if (node.kind().equals(LineageGraph.EXECUTION)) {
        ps.setString(2, node.step());
        ps.setString(3, node.key());
        ps.setInt(4, node.attempt());
      } else {
        ps.setString(2, node.key());
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          hops.add(
              new Hop(
                  executionNode(run.id, rs.getString(1), rs.getString(2), rs.getInt(3)),
                  rs.getString(4)));
        }
      }
    }
    return hops;
  }

  /** The run input, or one record of an x-ndjson upload (with its line number). */
  LineageGraph.Node inputNode(RunEntity run, String recordKey) {
    if (recordKey == null) {
      return LineageGraph.Node.input(run.inputDigest);
    }
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT payload_digest FROM run_record WHERE run_id = ? AND record_key = ?")) {
      ps.setString(1, run.id);
      ps.setInt(2, Integer.parseInt(recordKey));
      try (ResultSet rs = ps.executeQuery()) {
        return LineageGraph.Node.record(recordKey, rs.next() ? rs.getString(1) : null);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(
          "could not read record " + recordKey + " of run " + run.id, e);
    }
  }

  private void addRunOutput(
      RunEntity run, Map<String, LineageGraph.Node> nodes, List<LineageGraph.Edge> edges) {
    WorkflowDefinition def = catalog.definition(run.workflow, run.workflowVersion);
    if (def.output() == null || run.outputDigest == null) {
      return;
    }
    Set<String> outputSteps = new HashSet<>();
    for (Reference r : def.output().references()) {
      if (r.stepId() != null) {
        outputSteps.add(r.stepId());
      }
    }
    LineageGraph.Node output = LineageGraph.Node.output(run.outputDigest);
    for (LineageGraph.Node n : List.copyOf(nodes.values())) {
      if (n.kind().equals(LineageGraph.EXECUTION)
          && outputSteps.contains(n.step())
          && "succeeded".equals(n.status())) {
        nodes.putIfAbsent(output.id(), output);
        edges.add(new LineageGraph.Edge(n.id(), output.id(), "output"));
      }
    }
  }

  private List<LineageGraph.Node> withValues(List<LineageGraph.Node> nodes) {
    List<String> digests = new ArrayList<>();
    for (LineageGraph.Node n : nodes) {
      digests.add(n.inputDigest());
      digests.add(n.outputDigest());
    }
    Map<String, JsonNode> values = payloads.getAll(digests);
    return nodes.stream()
        .map(n -> n.withValues(values.get(n.inputDigest()), values.get(n.outputDigest())))
        .toList();
  }
}
