package dev.taproot.definition;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.taproot.expression.Bindings;
import dev.taproot.expression.Expression;
import dev.taproot.expression.Reference;
import dev.taproot.expression.Template;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DefinitionParserTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static String fixture(String name) {
    try (InputStream in = DefinitionParserTest.class.getResourceAsStream("/definitions/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static ParsedDefinition parse(String yaml) {
    return DefinitionParser.parse(yaml, FakeRegistry.standard());
  }

  private static List<DefinitionError> errors(String yaml) {
    return assertThrows(InvalidDefinitionException.class, () -> parse(yaml)).errors();
  }

  private static JsonNode json(String text) {
    try {
      return JSON.readTree(text);
    } catch (IOException e) {
      throw new IllegalArgumentException(e);
    }
  }

  @Test
  void theSpecExampleIsValid() {
    WorkflowDefinition d = parse(fixture("valid/spec-example.yaml")).definition();
    assertEquals("orders", d.name());
    assertEquals("Enrich and total one day of orders", d.description());
    assertEquals(List.of("parse", "enrich", "check", "total"), List.copyOf(d.steps().keySet()));
    assertEquals(List.of("parse", "enrich", "check", "total"), d.topologicalOrder());
    assertEquals(
        json("{\"type\": \"object\", \"required\": [\"orders\"]}"), d.inputSchema().schema());
    assertInstanceOf(Template.Single.class, d.output());
  }

  @Test
  void functionRefsArePinned() {
    Map<String, FunctionAlias> functions =
        parse(fixture("valid/spec-example.yaml")).definition().functions();
    assertEquals("parse-orders@2", functions.get("parse").ref()); // latest when submitted
    assertEquals("enrich-order@3", functions.get("enrich").ref());
    assertEquals("check-order@1", functions.get("check").ref()); // from its digest
    assertEquals(
        "sha256:4bb1cccc4809ce337005b9d11d216d41b1088c5ebaf5b1df1e1e9723d3b3cf65",
        functions.get("check").resolved().digest());
    assertEquals(Map.of("CURRENCY", "EUR"), functions.get("total").env());
    assertEquals("run", functions.get("total").export());
    assertEquals("wasi", functions.get("total").resolved().abi());
  }

  @Test
  void pinnedYamlIsTheSubmittedTextWithRefsReplacedInPlace() {
    String yaml = fixture("valid/spec-example.yaml");
    String expected =
        yaml.replace("{ ref: parse-orders }", "{ ref: parse-orders@2 }")
            .replace(
                "{ ref: \"sha256:4bb1cccc4809ce337005b9d11d216d41b1088c5ebaf5b1df1e1e9723d3b3cf65\" }",
                "{ ref: check-order@1 }")
            .replace("{ ref: sum-totals,", "{ ref: sum-totals@1,");
    ParsedDefinition parsed = parse(yaml);
    assertEquals(expected, parsed.pinnedYaml());
    assertEquals(parsed.definition(), parse(parsed.pinnedYaml()).definition());
  }

  @Test
  void pinningCountsCodePointsNotChars() {
    String yaml =
        "name: emoji\ndescription: \"\uD83D\uDE80 \uD83D\uDE80\"\nfunctions:\n  a: { ref: shout }\n"
            + "steps:\n  s: { function: a }\n";
    assertEquals(yaml.replace("ref: shout", "ref: shout@1"), parse(yaml).pinnedYaml());
  }

  @Test
  void aRefSharedThroughAnAliasIsPinnedOnce() {
    String yaml =
        "name: shared\nfunctions:\n  a: { ref: &r shout }\n  b: { ref: *r }\n"
            + "steps:\n  s: { function: a }\n  t: { function: b }\n";
    ParsedDefinition parsed = parse(yaml);
    assertEquals(yaml.replace("&r shout", "&r shout@1"), parsed.pinnedYaml());
    assertEquals(parsed.definition(), parse(parsed.pinnedYaml()).definition());
  }

  @Test
  void anchorsAndTagsOnARefStay() {
    String yaml =
        "name: shared\nfunctions:\n  a: { ref: &r !!str \"shout\" }\n  b: { ref: *r }\n"
            + "steps:\n  s: { function: a }\n";
    ParsedDefinition parsed = parse(yaml);
    assertEquals(yaml.replace("&r !!str \"shout\"", "&r !!str shout@1"), parsed.pinnedYaml());
    assertEquals(parsed.definition(), parse(parsed.pinnedYaml()).definition());
  }

  @Test
  void blockScalarRefsArePinnedOnTheirLine() {
    String yaml =
        "name: block\nfunctions:\n  a:\n    ref: >-\n      shout\n    env: { A: b }\n"
            + "steps:\n  s: { function: a }\n";
    ParsedDefinition parsed = parse(yaml);
    assertEquals(
        "name: block\nfunctions:\n  a:\n    ref: shout@1\n    env: { A: b }\n"
            + "steps:\n  s: { function: a }\n",
        parsed.pinnedYaml());
    assertEquals(parsed.definition(), parse(parsed.pinnedYaml()).definition());
  }

  @Test
  void eachRefIsResolvedOnce() {
    FakeRegistry registry = FakeRegistry.standard();
    DefinitionParser.parse(
        "name: x\nfunctions:\n  a: { ref: shout }\n  b: { ref: shout }\nsteps:\n  s: { function: a }\n",
        registry);
    assertEquals(1, registry.lookups.get());
  }

  @Test
  void defaultsAreFilledIn() {
    StepDefinition step = parse(fixture("valid/minimal.yaml")).definition().steps().get("greet");
    assertEquals(Template.ofString("${{ input }}"), step.input());
    assertEquals(ForEach.NONE, step.forEach());
    assertNull(step.when());
    assertEquals(RetryPolicy.DEFAULT, step.retry());
    assertEquals(
        new RetryPolicy(1, Duration.ofSeconds(1), 2, Duration.ofSeconds(30)), step.retry());
    assertEquals(Duration.ofSeconds(30), step.timeout());
    assertEquals(64L * 1024 * 1024, step.memoryBytes());
    assertEquals(4L * 1024 * 1024, step.outputBytes());
    assertNull(step.inputContract());
    assertNull(step.outputContract());
    assertEquals(Set.of(), step.dependsOn());
  }

  @Test
  void stepSettingsAreRead() {
    StepDefinition enrich =
        parse(fixture("valid/spec-example.yaml")).definition().steps().get("enrich");
    assertEquals(
        new RetryPolicy(3, Duration.ofMillis(200), 2, Duration.ofSeconds(5)), enrich.retry());
    assertEquals(Duration.ofSeconds(2), enrich.timeout());
    assertEquals(32L << 20, enrich.memoryBytes());
    assertEquals(1L << 20, enrich.outputBytes());
    assertEquals(
        List.of("$.total: must have a minimum value of 0"),
        enrich.outputContract().violations(json("{\"total\": -1}")));
  }

  @Test
  void forEachKindsAreTold() {
    Map<String, StepDefinition> steps =
        parse(fixture("valid/spec-example.yaml")).definition().steps();
    assertEquals(
        new ForEach.OverList(Expression.compile("steps.parse.output.orders")),
        steps.get("enrich").forEach());
    assertEquals(new ForEach.ItemWise("enrich"), steps.get("check").forEach());
    assertEquals(Expression.compile("item.output.total > 0.0"), steps.get("check").when());
    assertEquals(ForEach.NONE, steps.get("total").forEach());
  }

  @Test
  void onlyAPlainItemsReferenceIsItemWise() {
    Map<String, StepDefinition> steps = parse(fixture("valid/pipeline.yaml")).definition().steps();
    assertEquals(new ForEach.ItemWise("enrich"), steps.get("check").forEach()); // quoted
    assertEquals(new ForEach.ItemWise("check"), steps.get("ship").forEach()); // no spaces
    assertInstanceOf(ForEach.OverList.class, steps.get("enrich").forEach());
  }

  @Test
  void aFilteredListIsTheListItselfWithTheFilterAsACondition() {
    String yaml =
        "name: x\nfunctions: { f: { ref: shout } }\nsteps:\n"
            + "  a: { function: f, forEach: '${{ input.records.filter(r, r.ok) }}' }\n"
            + "  b: { function: f, forEach: '${{ steps.a.items.filter(i, i.output > 1) }}',"
            + " when: '${{ item.key != \"3\" }}' }\n";
    Map<String, StepDefinition> steps = parse(yaml).definition().steps();
    assertEquals(
        new ForEach.OverList(Expression.compile("input.records")), steps.get("a").forEach());
    assertEquals(Expression.compile("[item].exists(r, r.ok)"), steps.get("a").when());
    assertEquals(new ForEach.ItemWise("a"), steps.get("b").forEach());
    assertEquals(
        Expression.compile("[item].exists(i, i.output > 1) && (item.key != \"3\")"),
        steps.get("b").when());
  }

  @Test
  void aListBuiltFromAStepsItemsIsRefusedAtItsPlace() {
    List<DefinitionError> errors =
        errors(
            "name: x\nfunctions: { f: { ref: shout } }\nsteps:\n"
                + "  a: { function: f, forEach: '${{ [[1, 2], [3]] }}' }\n"
                + "  b: { function: f, forEach: '${{ steps.a.items.map(i, i.output) }}' }\n");
    assertEquals(1, errors.size(), errors.toString());
    assertEquals("steps.b.forEach", errors.get(0).path());
    assertEquals(5, errors.get(0).line());
    assertTrue(errors.get(0).message().contains("nested forEach"), errors.get(0).message());
    assertTrue(
        errors.get(0).message().contains("steps.a.items.filter(i, …)"), errors.get(0).message());
  }

  @Test
  void edgesAreNeedsPlusReferences() {
    WorkflowDefinition d = parse(fixture("valid/pipeline.yaml")).definition();
    assertEquals(Set.of(), d.dependenciesOf("parse"));
    assertEquals(Set.of("parse"), d.dependenciesOf("enrich"));
    assertEquals(Set.of("enrich"), d.dependenciesOf("check"));
    assertEquals(Set.of("check"), d.dependenciesOf("total"));
    assertEquals(Set.of("ship", "total"), d.dependenciesOf("notify"));
    assertEquals(Set.of("ship", "total"), d.steps().get("notify").needs());
    assertEquals(Set.of(), d.steps().get("total").needs());
    assertEquals(List.of("ship", "total"), d.dependentsOf("check"));
    assertEquals(List.of("check", "ship", "total", "notify"), d.downstreamOf("enrich"));
    assertEquals(List.of(), d.downstreamOf("notify"));
    assertEquals(
        List.of("parse", "enrich", "check", "ship", "total", "notify"), d.topologicalOrder());
    assertThrows(IllegalArgumentException.class, () -> d.downstreamOf("nope"));
  }

  @Test
  void topologicalOrderPutsDependenciesFirstAndKeepsYamlOrderOtherwise() {
    String yaml =
        "name: x\nfunctions: { f: { ref: shout } }\nsteps:\n"
            + "  last: { function: f, input: '${{ steps.mid.output }}' }\n"
            + "  mid: { function: f, needs: [first] }\n"
            + "  other: { function: f }\n"
            + "  first: { function: f }\n";
    assertEquals(
        List.of("other", "first", "mid", "last"), parse(yaml).definition().topologicalOrder());
  }

  @Test
  void theOutputTemplateEvaluates() {
    WorkflowDefinition d = parse(fixture("valid/pipeline.yaml")).definition();
    Map<String, JsonNode> values =
        Map.of(
            "steps",
            json(
                "{\"total\": {\"output\": 12.5}, \"ship\": {\"items\": [{\"key\": \"0\", \"output\": 1},"
                    + " {\"key\": \"2\", \"output\": 2}]}}"));
    assertEquals(
        json("{\"total\": 12.5, \"shipped\": [\"0\", \"2\"], \"note\": \"done\"}"),
        d.output().evaluate(Bindings.ofJson(values)));
  }

  @Test
  void envValuesAreTheirText() {
    FunctionAlias enrich =
        parse(fixture("valid/pipeline.yaml")).definition().functions().get("enrich");
    assertEquals(Map.of("CURRENCY", "NO", "STRICT", "true", "RETRIES", "3"), enrich.env());
  }

  @Test
  void extismAliasesMayNameTheirExport() {
    FunctionAlias notify =
        parse(fixture("valid/pipeline.yaml")).definition().functions().get("notify");
    assertEquals("notify_v2", notify.export());
    assertEquals("extism", notify.resolved().abi());
  }

  @Test
  void stepInputsKnowTheirReferences() {
    StepDefinition parse = parse(fixture("valid/pipeline.yaml")).definition().steps().get("parse");
    assertEquals(
        List.of(
            new Reference(Reference.Kind.INPUT, null, "input.records"),
            new Reference(Reference.Kind.RUN, null, "run.id"),
            new Reference(Reference.Kind.RUN, null, "run.workflow"),
            new Reference(Reference.Kind.RUN, null, "run.version"),
            new Reference(Reference.Kind.INPUT, null, "input.day")),
        parse.input().references());
  }

  @Test
  void anEmptyDocumentIsAnError() {
    for (String empty : List.of("", "   \n", "# only a comment\n", "---\n")) {
      List<DefinitionError> errors = errors(empty);
      assertEquals(
          List.of(
              new DefinitionError(
                  1, 1, "", "the definition is empty: it needs at least name and steps")),
          errors,
          "for " + empty);
    }
  }

  @Test
  void aDocumentThatIsNotAMappingIsAnError() {
    assertEquals(
        List.of(
            new DefinitionError(
                1,
                1,
                "",
                "a workflow definition is a mapping with name, steps and so on, not text")),
        errors("just text\n"));
  }

  @Test
  void moreThanOneDocumentIsAnError() {
    List<DefinitionError> errors = errors("name: a\n---\nname: b\n");
    assertEquals(1, errors.size());
    assertEquals(2, errors.get(0).line());
    assertTrue(errors.get(0).message().contains("expected a single document"));
  }

  @Test
  void aRecursiveAliasIsAnError() {
    List<DefinitionError> errors = errors("name: x\nsteps: &s\n  a: *s\n");
    assertEquals(1, errors.size());
    assertTrue(
        errors.get(0).message().startsWith("a YAML alias refers to a node that contains it"));
  }

  @Test
  void errorsComeInDocumentOrderAndTheMessageListsThem() {
    InvalidDefinitionException e =
        assertThrows(
            InvalidDefinitionException.class,
            () -> parse("name: X\nsteps:\n  a: { function: nope, timeout: 3 }\n"));
    assertEquals(List.of(1, 3, 3), e.errors().stream().map(DefinitionError::line).toList());
    assertTrue(e.errors().get(1).column() < e.errors().get(2).column());
    assertTrue(
        e.getMessage().startsWith("3 errors in the workflow definition:\n  1:7 name: bad name 'X'"),
        e.getMessage());
  }

  @Test
  void whenTheInputDefaultsExpressionsStillCheckItem() {
    List<DefinitionError> errors =
        errors(
            "name: x\nfunctions: { f: { ref: shout } }\nsteps:\n  a: { function: f, when: '${{ item.ok }}' }\n");
    assertEquals(1, errors.size());
    assertEquals("steps.a.when", errors.get(0).path());
    assertEquals(4, errors.get(0).line());
    assertEquals(32, errors.get(0).column()); // the "item" inside the quoted expression
  }

  @Test
  void aBlockScalarErrorIsReportedAtTheScalar() {
    List<DefinitionError> errors =
        errors(
            "name: x\nfunctions: { f: { ref: shout } }\nsteps:\n  a:\n    function: f\n    input: |\n"
                + "      ${{ input.a\n        + }}\n");
    assertEquals(1, errors.size());
    assertEquals(6, errors.get(0).line());
    assertEquals(12, errors.get(0).column());
    assertTrue(
        errors.get(0).message().startsWith("CEL syntax error at line 2"), errors.get(0).message());
  }
}
