package dev.taproot.definition;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DependencyGraphTest {

  /** Pairs of (step, its upstreams), in YAML order. */
  private static DependencyGraph graph(Object... stepsAndUpstreams) {
    Map<String, Set<String>> dependsOn = new LinkedHashMap<>();
    for (int i = 0; i < stepsAndUpstreams.length; i += 2) {
      dependsOn.put((String) stepsAndUpstreams[i], Set.of((String[]) stepsAndUpstreams[i + 1]));
    }
    return new DependencyGraph(List.copyOf(dependsOn.keySet()), dependsOn);
  }

  private static String[] on(String... upstreams) {
    return upstreams;
  }

  @Test
  void aTwoStepCycleIsNamedInDataFlowOrder() {
    // enrich uses check, check uses enrich
    assertEquals(
        List.of(List.of("enrich", "check", "enrich")),
        graph("start", on(), "enrich", on("check"), "check", on("enrich")).cycles());
  }

  @Test
  void aThreeStepCycleIsNamedInDataFlowOrder() {
    // b uses a, c uses b, a uses c: data flows a -> b -> c -> a
    assertEquals(
        List.of(List.of("a", "b", "c", "a")),
        graph("a", on("c"), "b", on("a"), "c", on("b"), "d", on("c")).cycles());
  }

  @Test
  void separateCyclesAreEachNamed() {
    assertEquals(
        List.of(List.of("a", "b", "a"), List.of("x", "y", "x")),
        graph("a", on("b"), "b", on("a"), "x", on("y"), "y", on("x")).cycles());
  }

  @Test
  void theShortestCycleThroughTheFirstStepIsNamed() {
    // a -> b -> a, and a -> b -> c -> a
    assertEquals(
        List.of(List.of("a", "b", "a")),
        graph("a", on("b", "c"), "b", on("a"), "c", on("b")).cycles());
  }

  @Test
  void aDagHasNoCycleAndAnOrder() {
    DependencyGraph dag =
        graph("total", on("check"), "parse", on(), "check", on("enrich"), "enrich", on("parse"));
    assertEquals(List.of(), dag.cycles());
    assertEquals(List.of("parse", "enrich", "check", "total"), dag.topologicalOrder());
  }

  @Test
  void independentStepsKeepYamlOrder() {
    assertEquals(
        List.of("c", "a", "b"), graph("c", on(), "a", on(), "b", on("a")).topologicalOrder());
  }
}
