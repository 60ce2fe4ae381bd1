package dev.taproot.expression;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.taproot.expression.Reference.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TemplateTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static JsonNode json(String text) {
    try {
      return JSON.readTree(text);
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }

  private static final Bindings BINDINGS =
      Bindings.ofJson(
          Map.of(
              "input",
              json(
                  "{\"n\": 3, \"x\": 1.5, \"name\": \"Ada\", \"tags\": [\"a\", \"b\"],"
                      + " \"order\": {\"id\": 7}, \"none\": null, \"ok\": true}")));

  private static JsonNode render(String template) {
    return Template.of(json(template)).evaluate(BINDINGS);
  }

  @Test
  void anExactExpressionKeepsItsType() {
    assertEquals(json("{\"id\": 7}"), Template.ofString("${{ input.order }}").evaluate(BINDINGS));
    assertEquals(json("3"), Template.ofString("${{ input.n }}").evaluate(BINDINGS));
    assertTrue(Template.ofString("${{ input.n }}").evaluate(BINDINGS).isInt());
    assertEquals(json("1.5"), Template.ofString("${{input.x}}").evaluate(BINDINGS));
    assertEquals(json("[\"a\", \"b\"]"), Template.ofString("${{ input.tags }}").evaluate(BINDINGS));
    assertEquals(json("true"), Template.ofString("${{ input.ok }}").evaluate(BINDINGS));
    assertEquals(json("null"), Template.ofString("${{ input.none }}").evaluate(BINDINGS));
  }

  @Test
  void surroundingWhitespaceDoesNotTurnAnExpressionIntoText() {
    // A YAML block scalar (|) ends with a newline; the value is still the expression's.
    Template template = Template.ofString("  ${{ input.n }}\n");
    assertInstanceOf(Template.Single.class, template);
    assertEquals(json("3"), template.evaluate(BINDINGS));
  }

  @Test
  void expressionsInsideTextAreInterpolated() {
    assertEquals(
        json("\"Hello Ada, 3 items: [\\\"a\\\",\\\"b\\\"] {\\\"id\\\":7} null 1.5\""),
        Template.ofString(
                "Hello ${{ input.name }}, ${{ input.n }} items: ${{ input.tags }} ${{ input.order }}"
                    + " ${{ input.none }} ${{ input.x }}")
            .evaluate(BINDINGS));
    assertEquals(json("\"3\""), Template.ofString("${{ input.n }}${{ '' }}").evaluate(BINDINGS));
    assertInstanceOf(Template.Interpolated.class, Template.ofString("id-${{ input.n }}"));
  }

  @Test
  void expressionsSitAtAnyLeaf() {
    assertEquals(
        json("{\"a\": {\"b\": [3, \"n=3\", 1, \"lit\"]}, \"c\": false, \"d\": null}"),
        render(
            "{\"a\": {\"b\": [\"${{ input.n }}\", \"n=${{ input.n }}\", 1, \"lit\"]},"
                + " \"c\": false, \"d\": null}"));
  }

  @Test
  void fieldOrderIsKept() {
    JsonNode rendered = render("{\"z\": \"${{ input.n }}\", \"a\": 1, \"m\": 2}");
    List<String> names = new ArrayList<>();
    rendered.fieldNames().forEachRemaining(names::add);
    assertEquals(List.of("z", "a", "m"), names);
  }

  @Test
  void constantTemplatesCollapseToLiterals() {
    Template constant = Template.of(json("{\"a\": [1, \"x\"], \"b\": {\"c\": null}}"));
    assertTrue(constant.isConstant());
    assertInstanceOf(Template.Literal.class, constant);
    assertEquals(
        json("{\"a\": [1, \"x\"], \"b\": {\"c\": null}}"), constant.evaluate(Bindings.empty()));
    Template dynamic = Template.of(json("{\"a\": [1, \"${{ input.n }}\"]}"));
    assertFalse(dynamic.isConstant());
    assertInstanceOf(Template.Fields.class, dynamic);
  }

  @Test
  void literalsCannotBeChangedFromOutside() {
    ObjectNode source = (ObjectNode) json("{\"a\": 1}");
    Template template = Template.literal(source);
    source.put("a", 2);
    ((ObjectNode) template.evaluate(Bindings.empty())).put("a", 3);
    assertEquals(json("{\"a\": 1}"), template.evaluate(Bindings.empty()));
  }

  @Test
  void referencesAreCollectedInDocumentOrder() {
    Template template =
        Template.of(
            json(
                "{\"order\": \"${{ item }}\", \"rates\": \"${{ input.rates }}\","
                    + " \"again\": \"${{ input.rates }} and ${{ steps.parse.output.x }}\"}"));
    assertEquals(
        List.of(
            new Reference(Kind.ITEM, null, "item"),
            new Reference(Kind.INPUT, null, "input.rates"),
            new Reference(Kind.STEP_OUTPUT, "parse", "steps.parse.output.x")),
        template.references());
    assertEquals(4, template.expressions().size());
  }

  @Test
  void offsetsOfExpressionsAreReported() {
    List<Template.Located> found = new ArrayList<>();
    Template.ofString("ab ${{ input.n }} cd ${{  run.id }}", found);
    assertEquals(2, found.size());
    assertEquals(7, found.get(0).offset());
    assertEquals(26, found.get(1).offset());
    assertEquals("run.id", found.get(1).expression().source());
  }

  @Test
  void errorsPointIntoTheWholeString() {
    InvalidExpressionException e =
        assertThrows(
            InvalidExpressionException.class,
            () -> Template.ofString("total: ${{ input.n + }} and ${{ inptu }}"));
    assertEquals(2, e.issues().size());
    assertEquals(20, e.issues().get(0).offset()); // just after "input.n +"
    assertEquals(32, e.issues().get(1).offset()); // "inptu"
  }

  @Test
  void anUnclosedExpressionIsAnError() {
    InvalidExpressionException e =
        assertThrows(InvalidExpressionException.class, () -> Template.ofString("a ${{ input.n "));
    assertEquals(2, e.issues().get(0).offset());
    assertEquals(
        "'${{' at column 3 is never closed: end the expression with '}}'",
        e.issues().get(0).message());
  }

  @Test
  void anEmptyExpressionIsAnErrorAtItsPlace() {
    InvalidExpressionException e =
        assertThrows(InvalidExpressionException.class, () -> Template.ofString("x ${{ }}"));
    assertEquals(6, e.issues().get(0).offset());
  }

  @Test
  void closingBracesInsideCelStringsDoNotEndTheExpression() {
    assertEquals(json("\"a}}b\""), Template.ofString("${{ 'a}}b' }}").evaluate(BINDINGS));
    assertEquals(
        json("\"x-{a=1}\""),
        Template.ofString("x-${{ {'a': 1}.a == 1 ? '{a=1}' : '' }}").evaluate(BINDINGS));
  }

  @Test
  void textWithoutExpressionsIsLiteral() {
    Template template = Template.ofString("plain $ {{ text }}");
    assertTrue(template.isConstant());
    assertEquals(json("\"plain $ {{ text }}\""), template.evaluate(Bindings.empty()));
  }

  @Test
  void structurallyEqual() {
    assertEquals(
        Template.of(json("{\"a\": \"${{ input.n }}\", \"b\": [1]}")),
        Template.of(json("{\"a\": \"${{ input.n }}\", \"b\": [1]}")));
  }

  @Test
  void withOverridesOneVariable() {
    Bindings overlay = BINDINGS.with("item", 5L);
    assertEquals(5L, overlay.celValue("item"));
    assertEquals(BINDINGS.celValue("input"), overlay.celValue("input"));
    assertEquals(json("8"), Template.ofString("${{ item + input.n }}").evaluate(overlay));
  }
}
