package dev.taproot.expression;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.taproot.expression.Reference.Kind;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ExpressionTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static JsonNode json(String text) {
    try {
      return JSON.readTree(text);
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }

  /** Bindings shaped like the engine's: steps.check.items is a list of {key, output}. */
  private static Bindings bindings() {
    return Bindings.ofJson(
        Map.of(
            "input", json("{\"rates\": {\"EUR\": 1.1}, \"n\": 4}"),
            "run", json("{\"id\": \"r1\", \"workflow\": \"orders\", \"version\": 2}"),
            "steps",
                json(
                    "{\"parse\": {\"output\": {\"orders\": [{\"id\": 1}, {\"id\": 2}]}},"
                        + " \"check\": {\"items\": ["
                        + "{\"key\": \"0\", \"output\": {\"total\": 5}},"
                        + "{\"key\": \"1\", \"output\": {\"total\": 0.5}},"
                        + "{\"key\": \"2\", \"output\": {\"total\": -1}}]}}")));
  }

  private static JsonNode eval(String source) {
    return Expression.compile(source).evaluate(bindings());
  }

  @Test
  void anEvaluationOverTheCostLimitFailsAndSaysWhy() {
    List<Long> big = java.util.stream.LongStream.range(0, 5000).boxed().toList();
    Expression quadratic = Expression.compile("input.all(a, input.all(b, a + b >= 0))");
    ExpressionException e =
        assertThrows(
            ExpressionException.class,
            () -> quadratic.evaluate(Bindings.ofJson(Map.of()).with("input", big)));
    assertTrue(e.getMessage().contains("cost limit"), e.getMessage());
    Expression linear = Expression.compile("input.all(a, a >= 0)");
    assertTrue(linear.test(Bindings.ofJson(Map.of()).with("input", big)), "one pass is fine");
  }

  @Test
  void evaluatesToJsonKeepingIntsAndDoubles() {
    assertEquals(json("[{\"id\": 1}, {\"id\": 2}]"), eval("steps.parse.output.orders"));
    assertEquals(json("5"), eval("input.n + 1"));
    assertTrue(eval("input.n + 1").isInt());
    assertTrue(eval("input.rates.EUR * 2.0").isDouble());
    assertEquals(
        json("\"r1/orders@2\""), eval("run.id + '/' + run.workflow + '@' + string(run.version)"));
  }

  @Test
  void standardMacrosWork() {
    assertEquals(
        json("[{\"total\": 5}, {\"total\": 0.5}, {\"total\": -1}]"),
        eval("steps.check.items.map(i, i.output)"));
    assertEquals(
        json("[\"0\", \"1\"]"),
        eval("steps.check.items.filter(i, i.output.total > 0).map(i, i.key)"));
    assertEquals(json("true"), eval("steps.check.items.exists(i, i.output.total < 0)"));
    assertEquals(json("false"), eval("steps.check.items.all(i, i.output.total > 0)"));
    assertEquals(json("true"), eval("has(input.rates.EUR)"));
  }

  @Test
  void hasTestsPresenceAndIsNeverTakenForTheValueItTests() {
    // A presence test alone was once evaluated as the select it tests: the rate, or a missing key.
    assertEquals(json("false"), eval("has(input.rates.XYZ)"));
    assertEquals(json("true"), eval("has(input.rates.EUR)"));
    assertTrue(Expression.compile("has(input.rates.XYZ)").soleReference().isEmpty());
  }

  @Test
  void intsAndDoublesCompare() {
    // JSON writers differ on 5 vs 5.0; a condition must not care.
    Expression positive = Expression.compile("item.output.total > 0.0");
    Bindings base = bindings();
    assertTrue(
        positive.test(base.with("item", CelValues.toCel(json("{\"output\": {\"total\": 5}}")))));
    assertFalse(
        positive.test(base.with("item", CelValues.toCel(json("{\"output\": {\"total\": 0}}")))));
  }

  @Test
  void aMissingKeyNamesTheExpressionAndTheKey() {
    ExpressionException e =
        assertThrows(ExpressionException.class, () -> eval("steps.parse.output.order"));
    assertEquals("steps.parse.output.order", e.expression());
    assertEquals(
        "${{ steps.parse.output.order }}: no such key: order (at column 19)", e.getMessage());
  }

  @Test
  void otherRuntimeErrorsAreExpressionExceptions() {
    assertTrue(
        assertThrows(ExpressionException.class, () -> eval("input.n / 0"))
            .getMessage()
            .contains("by zero"));
    assertTrue(
        assertThrows(ExpressionException.class, () -> eval("input.rates.EUR + 'x'"))
            .getMessage()
            .startsWith("${{ input.rates.EUR + 'x' }}: No matching overload"));
    assertTrue(
        assertThrows(ExpressionException.class, () -> eval("1.0 / 0.0"))
            .getMessage()
            .contains("JSON cannot hold"));
  }

  @Test
  void anUnboundVariableIsAnError() {
    ExpressionException e = assertThrows(ExpressionException.class, () -> eval("item.output"));
    assertEquals("${{ item.output }}: 'item' is not available here", e.getMessage());
  }

  @Test
  void aConditionMustBeBoolean() {
    ExpressionException e =
        assertThrows(
            ExpressionException.class, () -> Expression.compile("input.n").test(bindings()));
    assertEquals(
        "${{ input.n }}: a condition must be true or false, but this gave 4", e.getMessage());
  }

  @Test
  void syntaxErrorsGiveTheColumn() {
    InvalidExpressionException e =
        assertThrows(InvalidExpressionException.class, () -> Expression.compile("input.a + "));
    assertEquals(1, e.issues().size());
    assertEquals(10, e.issues().get(0).offset());
    assertEquals(
        "CEL syntax error at column 11: the expression ends too early",
        e.issues().get(0).message());
  }

  @Test
  void unknownVariablesAreTypeErrors() {
    InvalidExpressionException e =
        assertThrows(InvalidExpressionException.class, () -> Expression.compile("1 + inptu.x"));
    assertEquals(4, e.issues().get(0).offset());
    assertEquals(
        "CEL type error at column 5: 'inptu' is not defined; the variables are input, run, steps,"
            + " item",
        e.issues().get(0).message());
  }

  @Test
  void everyProblemIsListed() {
    InvalidExpressionException e =
        assertThrows(InvalidExpressionException.class, () -> Expression.compile("a + b"));
    assertEquals(List.of(0, 4), e.issues().stream().map(i -> i.offset()).toList());
  }

  @Test
  void emptyIsInvalid() {
    InvalidExpressionException e =
        assertThrows(InvalidExpressionException.class, () -> Expression.compile("  "));
    assertEquals(-1, e.issues().get(0).offset());
    assertTrue(e.getMessage().startsWith("empty expression"));
  }

  @Test
  void referencesAreTheLongestSelectChains() {
    Expression e =
        Expression.compile(
            "steps.parse.output.orders.size() + size(input.rates) + steps.check.items.size()"
                + " + (has(item.output.x) ? 1 : 0) + run.version + steps.parse.output.orders[0].id");
    assertEquals(
        List.of(
            new Reference(Kind.STEP_OUTPUT, "parse", "steps.parse.output.orders"),
            new Reference(Kind.INPUT, null, "input.rates"),
            new Reference(Kind.STEP_ITEMS, "check", "steps.check.items"),
            new Reference(Kind.ITEM, null, "item.output.x"),
            new Reference(Kind.RUN, null, "run.version")),
        e.references());
    assertEquals(0, e.offsetOf(e.references().get(0)));
    assertEquals(40, e.offsetOf(e.references().get(1)));
  }

  @Test
  void comprehensionVariablesShadowTheGlobals() {
    Expression e = Expression.compile("steps.check.items.map(item, item.output)");
    assertEquals(
        List.of(new Reference(Kind.STEP_ITEMS, "check", "steps.check.items")), e.references());
    Expression mapped = Expression.compile("steps.check.items.map(i, i.output.total + input.n)");
    assertEquals(2, mapped.references().size());
    assertEquals(new Reference(Kind.INPUT, null, "input.n"), mapped.references().get(1));
  }

  @Test
  void indexingEndsTheChain() {
    assertEquals(
        List.of(new Reference(Kind.INPUT, null, "input")),
        Expression.compile("input['rates'].EUR").references());
  }

  @Test
  void stepsMustBeReadThroughOutputOrItems() {
    for (String bad : List.of("steps", "steps.parse", "steps['parse'].output", "steps.parse.key")) {
      InvalidExpressionException e =
          assertThrows(InvalidExpressionException.class, () -> Expression.compile(bad), bad);
      assertTrue(e.getMessage().startsWith("bad reference at column 1"), e.getMessage());
    }
    assertTrue(
        assertThrows(InvalidExpressionException.class, () -> Expression.compile("steps.parse"))
            .getMessage()
            .contains("write steps.parse.output (a step without forEach) or steps.parse.items"));
  }

  @Test
  void runHasThreeFields() {
    InvalidExpressionException e =
        assertThrows(InvalidExpressionException.class, () -> Expression.compile("run.name"));
    assertEquals(
        "bad reference at column 1: run has no field 'name'; it has id, workflow and version",
        e.getMessage());
  }

  @Test
  void soleReferenceIsSetOnlyForAPlainChain() {
    assertEquals(
        Optional.of(new Reference(Kind.STEP_ITEMS, "enrich", "steps.enrich.items")),
        Expression.compile("steps.enrich.items").soleReference());
    assertEquals(
        Optional.empty(), Expression.compile("steps.enrich.items.map(i, i)").soleReference());
    assertEquals(Optional.empty(), Expression.compile("steps.enrich.items + []").soleReference());
  }

  @Test
  void resultTypesAreKnownWhereTheCheckerProvesThem() {
    assertTrue(Expression.compile("input.x").mayYieldBoolean());
    assertTrue(Expression.compile("input.x").mayYieldList());
    assertFalse(Expression.compile("'text'").mayYieldBoolean());
    assertFalse(Expression.compile("1 + 2").mayYieldList());
    assertTrue(Expression.compile("[1]").mayYieldList());
    assertEquals("string", Expression.compile("'a'").resultType());
  }

  @Test
  void equalBySource() {
    assertEquals(Expression.compile("input.a"), Expression.compile("input.a"));
    assertNotEquals(Expression.compile("input.a"), Expression.compile("input.b"));
    assertEquals("${{ input.a }}", Expression.compile("input.a").toString());
  }

  @Test
  void oneCompiledExpressionServesManyThreads() {
    Expression e = Expression.compile("item.n * 2");
    Bindings base = bindings();
    List<Long> results =
        IntStream.range(0, 2000)
            .parallel()
            .mapToObj(n -> e.evaluate(base.with("item", Map.of("n", (long) n))).longValue())
            .toList();
    assertEquals(IntStream.range(0, 2000).mapToObj(n -> 2L * n).toList(), results);
  }

  @Test
  void bindingsAreAskedLazily() {
    int[] asked = {0};
    Bindings counting =
        variable -> {
          asked[0]++;
          return variable.equals("input") ? Map.of("a", 1L) : null;
        };
    assertEquals(json("1"), Expression.compile("input.a").evaluate(counting));
    assertTrue(asked[0] >= 1);
    assertEquals(json("3"), Expression.compile("1 + 2").evaluate(Bindings.empty()));
  }
}
