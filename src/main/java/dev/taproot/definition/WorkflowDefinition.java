package dev.taproot.definition;

import dev.taproot.expression.Template;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A validated workflow definition. Maps keep the YAML order.
 *
 * @param name workflow name
 * @param description free text; null when absent
 * @param functions aliases with their pinned functions
 * @param inputSchema checked against the run input; null when absent
 * @param steps the DAG's nodes
 * @param output the run's output; null when absent
 * @param topologicalOrder every step after all of its dependencies, ties in YAML order
 */
public record WorkflowDefinition(
    String name,
    String description,
    Map<String, FunctionAlias> functions,
    Contract inputSchema,
    Map<String, StepDefinition> steps,
    Template output,
    List<String> topologicalOrder) {

  public static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,62}");

  public WorkflowDefinition {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("bad workflow name: " + name);
    }
    functions = Collections.unmodifiableMap(new LinkedHashMap<>(functions));
    steps = Collections.unmodifiableMap(new LinkedHashMap<>(steps));
    topologicalOrder = List.copyOf(topologicalOrder);
    if (steps.isEmpty()) {
      throw new IllegalArgumentException("a workflow has at least one step");
    }
    if (!new HashSet<>(topologicalOrder).equals(steps.keySet())
        || topologicalOrder.size() != steps.size()) {
      throw new IllegalArgumentException("topologicalOrder must list every step once");
    }
    Set<String> seen = new HashSet<>();
    for (String id : topologicalOrder) {
      StepDefinition step = steps.get(id);
      if (!seen.containsAll(step.dependsOn())) {
        throw new IllegalArgumentException("step " + id + " comes before one of its dependencies");
      }
      if (!functions.containsKey(step.function())) {
        throw new IllegalArgumentException("step " + id + " uses an undeclared function alias");
      }
      seen.add(id);
    }
  }

  /** The step's direct upstream steps. */
  public Set<String> dependenciesOf(String stepId) {
    return step(stepId).dependsOn();
  }

  /** The steps that depend on this one directly, in YAML order. */
  public List<String> dependentsOf(String stepId) {
    step(stepId);
    return steps.values().stream()
        .filter(step -> step.dependsOn().contains(stepId))
        .map(StepDefinition::id)
        .toList();
  }

  /** Every step that depends on this one, directly or not, in topological order. */
  public List<String> downstreamOf(String stepId) {
    step(stepId);
    Set<String> reached = new HashSet<>(Set.of(stepId));
    List<String> downstream = new ArrayList<>();
    for (String id : topologicalOrder) {
      if (!reached.contains(id) && steps.get(id).dependsOn().stream().anyMatch(reached::contains)) {
        reached.add(id);
        downstream.add(id);
      }
    }
    return List.copyOf(downstream);
  }

  private StepDefinition step(String stepId) {
    StepDefinition step = steps.get(Objects.requireNonNull(stepId, "stepId"));
    if (step == null) {
      throw new IllegalArgumentException("no step '" + stepId + "' in workflow " + name);
    }
    return step;
  }

  /**
   * The step {@code id}.
   *
   * @throws dev.taproot.error.NotFoundException naming this workflow's steps when it has none
   */
  public StepDefinition stepNamed(String id) {
    StepDefinition step = steps().get(id);
    if (step == null) {
      throw new dev.taproot.error.NotFoundException(
          "workflow "
              + name()
              + " has no step '"
              + id
              + "'; its steps are: "
              + String.join(", ", steps().keySet()));
    }
    return step;
  }
}
