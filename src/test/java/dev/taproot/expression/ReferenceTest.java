package dev.taproot.expression;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.taproot.expression.Reference.Kind;
import org.junit.jupiter.api.Test;

class ReferenceTest {

  @Test
  void stepKindsNeedAStepAndOthersMustNotHaveOne() {
    assertDoesNotThrow(() -> new Reference(Kind.STEP_OUTPUT, "a", "steps.a.output.x"));
    assertThrows(
        IllegalArgumentException.class,
        () -> new Reference(Kind.STEP_OUTPUT, null, "steps.a.output"));
    assertThrows(IllegalArgumentException.class, () -> new Reference(Kind.INPUT, "a", "input"));
  }

  @Test
  void thePathMustStartAtTheKindsRoot() {
    assertDoesNotThrow(() -> new Reference(Kind.INPUT, null, "input"));
    assertThrows(IllegalArgumentException.class, () -> new Reference(Kind.INPUT, null, "inputs.x"));
    assertThrows(
        IllegalArgumentException.class,
        () -> new Reference(Kind.STEP_ITEMS, "a", "steps.a.output"));
    assertThrows(
        IllegalArgumentException.class, () -> new Reference(Kind.STEP_ITEMS, "a", "steps.b.items"));
  }
}
