package dev.taproot.lineage;

import com.fasterxml.jackson.databind.JsonNode;
import dev.taproot.checkpoint.StoredRun;
import dev.taproot.definition.StepDefinition;
import dev.taproot.definition.WorkflowCatalog;
import dev.taproot.definition.WorkflowDefinition;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds where a bad value was born: walks the upstream lineage of an item and returns the earliest
 * value (a record, or a step's input or output) that fails an assertion, with the chain of values
 * from there to the item asked about.
 */
@ApplicationScoped
public class OriginSearch {
  private final LineageService lineage;
  private final WorkflowCatalog catalog;

  OriginSearch(LineageService lineage, WorkflowCatalog catalog) {
    this.lineage = lineage;
    this.catalog = catalog;
  }

  /** One value on the way: which node, which side of it, and how it fared. */
  public record Link(
      String node,
      String kind,
      String step,
      String key,
      Integer line,
      String side,
      JsonNode value,
      String verdict,
      String reason) {}

  /** The answer: {@code origin} is null when the assertion holds everywhere upstream. */
  public record Answer(
      boolean found,
      String assertion,
      Link origin,
      List<Link> chain,
      int checked,
      String message) {}

  /** The assertion to use when the request has none: the step's {@code contract.input}. */
  public ValueAssertion defaultAssertion(StoredRun run, String step) {
    WorkflowDefinition def = catalog.definition(run.workflow(), run.version());
    StepDefinition s = def.steps().get(step);
    if (s == null || s.inputContract() == null) {
      throw new ValueAssertion.InvalidAssertionException(
          "step '"
              + step
              + "' has no contract.input to check against: send {\"assert\": \"<CEL over value>\"} or {\"schema\": {…}}");
    }
    return new ValueAssertion.Schema(s.inputContract(), "contract.input of step " + step);
  }

  public Answer search(StoredRun run, String step, String key, ValueAssertion assertion) {
    LineageGraph graph = lineage.graph(run, step, key, LineageService.Direction.UPSTREAM, true);
    Map<String, LineageGraph.Node> nodes = new HashMap<>();
    graph.nodes().forEach(n -> nodes.put(n.id(), n));
    // distance from the asked item, and the next node towards it, by walking edges backwards
    Map<String, Integer> distance = new HashMap<>();
    Map<String, String> towardsRoot = new HashMap<>();
    distance.put(graph.root(), 0);
    List<String> frontier = List.of(graph.root());
    while (!frontier.isEmpty()) {
      List<String> next = new ArrayList<>();
      for (String id : frontier) {
        for (LineageGraph.Edge e : graph.edges()) {
          if (e.to().equals(id) && !distance.containsKey(e.from())) {
            distance.put(e.from(), distance.get(id) + 1);
            towardsRoot.put(e.from(), id);
            next.add(e.from());
          }
        }
      }
      frontier = next;
    }
    List<Link> checked = new ArrayList<>();
    Map<Link, Double> when = new HashMap<>();
    for (LineageGraph.Node n : graph.nodes()) {
      double d = distance.getOrDefault(n.id(), 0);
      if (n.kind().equals(LineageGraph.EXECUTION)) {
        if (n.input() != null) {
          Link in = link(n, "input", n.input(), assertion);
          checked.add(in);
          when.put(in, -d - 0.5);
        }
        if (n.output() != null) {
          Link out = link(n, "output", n.output(), assertion);
          checked.add(out);
          when.put(out, -d);
        }
      } else if (n.output() != null) {
        Link value = link(n, n.kind(), n.output(), assertion);
        checked.add(value);
        when.put(value, -d - 0.75);
      }
    }
    Link origin =
        checked.stream()
            .filter(l -> l.verdict().equals(ValueAssertion.Verdict.FAILS.name()))
            .min(Comparator.comparingDouble(when::get))
            .orElse(null);
    if (origin == null) {
      return new Answer(
          false,
          assertion.describe(),
          null,
          List.of(),
          checked.size(),
          "none found: "
              + assertion.describe()
              + " holds (or does not apply) for all "
              + checked.size()
              + " upstream values of "
              + step
              + "/"
              + key);
    }
    List<Link> chain = new ArrayList<>();
    String at = origin.node();
    while (at != null) {
      String nodeId = at;
      checked.stream()
          .filter(l -> l.node().equals(nodeId))
          .sorted(Comparator.comparingDouble(when::get))
          .forEach(chain::add);
      at = towardsRoot.get(at);
    }
    chain.removeIf(l -> l.node().equals(origin.node()) && when.get(l) < when.get(origin));
    String where =
        origin.kind().equals(LineageGraph.EXECUTION)
            ? "the " + origin.side() + " of step " + origin.step() + ", item " + origin.key()
            : origin.kind().equals(LineageGraph.RECORD)
                ? "record " + origin.key() + " (line " + origin.line() + ") of the run input"
                : "the run input";
    return new Answer(
        true,
        assertion.describe(),
        origin,
        chain,
        checked.size(),
        "the bad value was born in " + where + ": " + origin.reason());
  }

  private static Link link(
      LineageGraph.Node n, String side, JsonNode value, ValueAssertion assertion) {
    ValueAssertion.Check check = assertion.check(value);
    return new Link(
        n.id(),
        n.kind(),
        n.step(),
        n.key(),
        n.line(),
        side,
        value,
        check.verdict().name(),
        check.reason());
  }
}
