package dev.taproot.engine;

import dev.taproot.checkpoint.ItemRef;
import dev.taproot.definition.StepDefinition;
import dev.taproot.definition.WorkflowDefinition;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Chooses what a redrive re-executes from what the run recorded: the items asked for (or the failed
 * ones) at their first failed step or at {@code from}, and everything downstream that consumed
 * them.
 */
final class RedriveSelection {
  private RedriveSelection() {}

  /**
   * The items to run again, by step in topological order.
   *
   * @param keys the item keys asked for; null for "the failed ones"
   * @param from the step to start at; null for each item's first failed or skipped step
   */
  static Redrive.Selection select(
      WorkflowDefinition def, Redrive.State state, List<String> keys, String from) {
    Map<String, Set<String>> chosen = new LinkedHashMap<>();
    List<String> order = def.topologicalOrder();
    order.forEach(step -> chosen.put(step, new LinkedHashSet<>()));
    if (keys == null && from == null) {
      for (String step : order) {
        chosen.get(step).addAll(state.failedOrBlocked(step));
      }
      return closeDownstream(def, state, chosen);
    }
    Set<String> wanted = new LinkedHashSet<>();
    if (keys != null) {
      wanted.addAll(keys);
    } else {
      // Only steps whose item keys are from's: a fan-in's item "0" is not from's item "0".
      for (String step : sameKeys(def, from)) {
        wanted.addAll(state.failedOrBlocked(step));
      }
    }
    if (from != null) {
      chosen.get(from).addAll(state.existing(from, wanted));
    } else {
      for (String key : wanted) {
        for (String step : order) {
          if (state.failedOrBlocked(step, key)) {
            chosen.get(step).add(key);
            break;
          }
        }
      }
    }
    return closeDownstream(def, state, chosen);
  }

  /** {@code from} and the steps that follow its items one by one, so share its item keys. */
  private static Set<String> sameKeys(WorkflowDefinition def, String from) {
    Set<String> same = new LinkedHashSet<>(List.of(from));
    for (String step : def.topologicalOrder()) {
      String upstream = def.steps().get(step).itemWiseUpstream().orElse(null);
      if (upstream != null && same.contains(upstream)) {
        same.add(step);
      }
    }
    return same;
  }

  /**
   * Whatever consumed a re-executed item must run again too: the same key of an item-wise follower,
   * every item of any other consumer.
   */
  private static Redrive.Selection closeDownstream(
      WorkflowDefinition def, Redrive.State state, Map<String, Set<String>> chosen) {
    Set<String> whole = new LinkedHashSet<>();
    for (String step : def.topologicalOrder()) {
      StepDefinition s = def.steps().get(step);
      for (String dep : s.dependsOn()) {
        Set<String> depKeys = chosen.get(dep);
        if (depKeys.isEmpty()) {
          continue;
        }
        if (s.followsItemsOf(dep)) {
          chosen.get(step).addAll(state.existing(step, depKeys));
        } else {
          chosen.get(step).addAll(state.keysOf(step));
          whole.add(step);
        }
      }
    }
    Map<String, List<String>> selected = new LinkedHashMap<>();
    chosen.forEach(
        (step, ks) -> {
          List<String> sorted = new ArrayList<>(ks);
          sorted.sort(ItemRef.KEY_ORDER);
          selected.put(step, sorted);
        });
    return new Redrive.Selection(selected, whole);
  }
}
