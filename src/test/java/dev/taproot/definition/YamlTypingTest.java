package dev.taproot.definition;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.taproot.expression.Bindings;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Literal values in templates follow JSON (YAML 1.2 core schema), not YAML 1.1. */
class YamlTypingTest {

  private static JsonNode literalInput(String yamlValue) {
    String yaml =
        "name: x\nfunctions: { f: { ref: shout } }\nsteps:\n  a:\n    function: f\n    input: "
            + yamlValue
            + "\n";
    return DefinitionParser.parse(yaml, FakeRegistry.standard())
        .definition()
        .steps()
        .get("a")
        .input()
        .evaluate(Bindings.empty());
  }

  @Test
  void yaml11BooleansAndDatesStayText() throws Exception {
    assertEquals(
        new ObjectMapper()
            .readTree(
                "[\"yes\", \"no\", \"on\", \"off\", \"NO\", \"2024-01-01\", \"12:30\", true, false]"),
        literalInput("[yes, no, on, off, NO, 2024-01-01, '12:30', true, false]"));
  }

  @Test
  void numbersNullsAndQuotedTextFollowJson() throws Exception {
    assertEquals(
        new ObjectMapper()
            .readTree("[1, -2, 31, 8, 1.5, 1000.0, null, null, \"3\", \"null\", 12345678901234]"),
        literalInput("[1, -2, 0x1F, 0o10, 1.5, 1e3, null, ~, '3', \"null\", 12345678901234]"));
  }

  @Test
  void integersStayIntegers() {
    JsonNode value = literalInput("{ a: 3, b: 3.0 }");
    assertEquals(
        List.of(true, false),
        List.of(value.get("a").isIntegralNumber(), value.get("b").isIntegralNumber()));
  }
}
