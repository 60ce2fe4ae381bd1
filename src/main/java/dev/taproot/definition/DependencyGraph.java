package dev.taproot.definition;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The steps and their edges: cycles, and an order to run them in. */
final class DependencyGraph {

  private final List<String> ids;
  private final Map<String, Set<String>> dependsOn;

  /**
   * @param ids every step, in YAML order (ties in every result follow it)
   * @param dependsOn each step's direct upstream steps, none of them itself
   */
  DependencyGraph(List<String> ids, Map<String, Set<String>> dependsOn) {
    this.ids = List.copyOf(ids);
    this.dependsOn = dependsOn;
  }

  /**
   * One cycle per group of steps that wait on each other, each starting and ending at the group's
   * first step in YAML order and following data flow: in {@code a -> b -> a}, b uses a and a uses
   * b.
   */
  List<List<String>> cycles() {
    List<List<String>> cycles = new ArrayList<>();
    for (Set<String> component : stronglyConnectedComponents()) {
      if (component.size() > 1) {
        String start = ids.stream().filter(component::contains).findFirst().orElseThrow();
        cycles.add(shortestCycle(start, component));
      }
    }
    cycles.sort((a, b) -> Integer.compare(ids.indexOf(a.get(0)), ids.indexOf(b.get(0))));
    return cycles;
  }

  /** Every step after its dependencies; among steps ready together, the first in YAML order. */
  List<String> topologicalOrder() {
    List<String> order = new ArrayList<>();
    Set<String> placed = new LinkedHashSet<>();
    while (order.size() < ids.size()) {
      String next =
          ids.stream()
              .filter(id -> !placed.contains(id) && placed.containsAll(dependsOn.get(id)))
              .findFirst()
              .orElseThrow(() -> new IllegalStateException("the graph has a cycle"));
      placed.add(next);
      order.add(next);
    }
    return order;
  }

  private List<String> downstream(String id) {
    return ids.stream().filter(other -> dependsOn.get(other).contains(id)).toList();
  }

  /** Breadth-first along data flow, so the cycle named is a shortest one through start. */
  private List<String> shortestCycle(String start, Set<String> component) {
    Map<String, String> cameFrom = new HashMap<>();
    Deque<String> queue = new ArrayDeque<>(List.of(start));
    while (!queue.isEmpty()) {
      String current = queue.removeFirst();
      for (String next : downstream(current)) {
        if (!component.contains(next)) {
          continue;
        }
        if (next.equals(start)) {
          List<String> cycle = new ArrayList<>();
          cycle.add(start);
          for (String step = current; !step.equals(start); step = cameFrom.get(step)) {
            cycle.add(1, step);
          }
          cycle.add(start);
          return cycle;
        }
        if (!cameFrom.containsKey(next)) {
          cameFrom.put(next, current);
          queue.addLast(next);
        }
      }
    }
    throw new IllegalStateException("no cycle through " + start + " in " + component);
  }

  /** Tarjan's algorithm; recursion depth is bounded by the number of steps. */
  private List<Set<String>> stronglyConnectedComponents() {
    Map<String, Integer> index = new HashMap<>();
    Map<String, Integer> lowLink = new HashMap<>();
    Deque<String> stack = new ArrayDeque<>();
    Set<String> onStack = new LinkedHashSet<>();
    List<Set<String>> components = new ArrayList<>();
    for (String id : ids) {
      if (!index.containsKey(id)) {
        connect(id, index, lowLink, stack, onStack, components);
      }
    }
    return components;
  }

  private void connect(
      String id,
      Map<String, Integer> index,
      Map<String, Integer> lowLink,
      Deque<String> stack,
      Set<String> onStack,
      List<Set<String>> components) {
    index.put(id, index.size());
    lowLink.put(id, index.get(id));
    stack.push(id);
    onStack.add(id);
    for (String upstream : dependsOn.get(id)) {
      if (!index.containsKey(upstream)) {
        connect(upstream, index, lowLink, stack, onStack, components);
        lowLink.put(id, Math.min(lowLink.get(id), lowLink.get(upstream)));
      } else if (onStack.contains(upstream)) {
        lowLink.put(id, Math.min(lowLink.get(id), index.get(upstream)));
      }
    }
    if (lowLink.get(id).equals(index.get(id))) {
      Set<String> component = new LinkedHashSet<>();
      String member;
      do {
        member = stack.pop();
        onStack.remove(member);
        component.add(member);
      } while (!member.equals(id));
      components.add(component);
    }
  }
}
