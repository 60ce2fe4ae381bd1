package dev.taproot.definition;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class ForEachFilterTest {

  @Test
  void aTrailingFilterIsSplitIntoTheListAndAConditionOnItem() {
    assertEquals(
        Optional.of(new ForEachFilter("input.records", "[item].exists(r, r.ok)")),
        ForEachFilter.of(" input.records.filter(r, r.ok) "));
  }

  @Test
  void chainedFiltersAllBecomeTheConditionInOrder() {
    assertEquals(
        Optional.of(
            new ForEachFilter(
                "steps.a.items",
                "[item].exists(i, i.output > 1) && [item].exists(j, f(j, \"x,)\"))")),
        ForEachFilter.of("steps.a.items.filter(i, i.output > 1).filter(j, f(j, \"x,)\"))"));
  }

  @Test
  void theListMayItselfBeAnyExpression() {
    assertEquals(
        Optional.of(new ForEachFilter("input.a.map(x, x * 2)", "[item].exists(v, v > (1 + 2))")),
        ForEachFilter.of("input.a.map(x, x * 2).filter(v, v > (1 + 2))"));
  }

  @Test
  void anythingElseIsLeftAsWritten() {
    for (String source :
        new String[] {
          "input.records",
          "input.records.filter(r, r.ok).size()",
          "input.records.filter(r, r.ok)[0]",
          "[input.a.filter(r, r.ok)]",
          "input.a.filter(1 + 2, x)",
          "size(input.a.filter(r, r.ok))",
          "'.filter(a, b)'",
          "filter(r, r.ok)"
        }) {
      assertEquals(Optional.empty(), ForEachFilter.of(source), source);
    }
  }
}
