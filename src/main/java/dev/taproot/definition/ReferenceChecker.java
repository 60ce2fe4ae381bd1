package dev.taproot.definition;

import dev.taproot.expression.Reference;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks every expression's references against the steps of the document, and collects the edges
 * they make.
 */
final class ReferenceChecker {

  private final Map<String, Boolean> forEachByStep;
  private final Problems problems;

  /**
   * @param forEachByStep every step id in YAML order, with whether it has a forEach field
   */
  ReferenceChecker(Map<String, Boolean> forEachByStep, Problems problems) {
    this.forEachByStep = forEachByStep;
    this.problems = problems;
  }

  /** For each step, the other steps its expressions validly refer to. */
  Map<String, Set<String>> check(List<ExpressionSite> sites) {
    Map<String, Set<String>> referenced = new LinkedHashMap<>();
    forEachByStep.keySet().forEach(id -> referenced.put(id, new LinkedHashSet<>()));
    for (ExpressionSite site : sites) {
      for (Reference reference : site.located().expression().references()) {
        if (reference.kind().isStep()) {
          if (stepReferenceIsValid(site, reference) && site.owner() != null) {
            referenced.get(site.owner()).add(reference.stepId());
          }
        } else if (reference.kind() == Reference.Kind.ITEM) {
          checkItem(site, reference);
        }
      }
    }
    return referenced;
  }

  private boolean stepReferenceIsValid(ExpressionSite site, Reference reference) {
    String target = reference.stepId();
    String written =
        "steps."
            + target
            + "."
            + (reference.kind() == Reference.Kind.STEP_ITEMS ? "items" : "output");
    if (!forEachByStep.containsKey(target)) {
      site.report(
          problems,
          reference,
          "unknown step '"
              + target
              + "' in "
              + reference.path()
              + Suggestions.hint(target, forEachByStep.keySet(), "known steps"));
      return false;
    }
    if (target.equals(site.owner())) {
      site.report(
          problems,
          reference,
          "step '"
              + target
              + "' refers to itself in "
              + written
              + ": a step can only use the results of other steps");
      return false;
    }
    boolean hasForEach = forEachByStep.get(target);
    if (reference.kind() == Reference.Kind.STEP_OUTPUT && hasForEach) {
      site.report(
          problems,
          reference,
          "step "
              + target
              + " has forEach: use steps."
              + target
              + ".items (a list of {key, output}, one per item) instead of "
              + written);
      return false;
    }
    if (reference.kind() == Reference.Kind.STEP_ITEMS && !hasForEach) {
      site.report(
          problems,
          reference,
          "step "
              + target
              + " has no forEach, so it has no items: use steps."
              + target
              + ".output");
      return false;
    }
    return true;
  }

  private void checkItem(ExpressionSite site, Reference reference) {
    if (site.owner() == null) {
      site.report(
          problems,
          reference,
          "'item' only exists inside a step with forEach; the workflow output can gather a"
              + " forEach step's results with steps.<id>.items");
    } else if (site.field().equals("forEach")) {
      site.report(
          problems,
          reference,
          "'item' cannot be used in forEach itself: forEach is what makes the items");
    } else if (!forEachByStep.get(site.owner())) {
      site.report(
          problems,
          reference,
          "'item' only exists in a step with forEach, and step '" + site.owner() + "' has none");
    }
  }
}
