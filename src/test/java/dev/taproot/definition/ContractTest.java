package dev.taproot.definition;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ContractTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static JsonNode json(String text) {
    try {
      return JSON.readTree(text);
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }

  private static final Contract ORDER =
      Contract.compile(
          json(
              "{\"type\": \"object\", \"required\": [\"total\"], \"properties\": {"
                  + "\"total\": {\"type\": \"number\", \"minimum\": 0},"
                  + "\"lines\": {\"type\": \"array\", \"items\": {\"type\": \"object\","
                  + " \"required\": [\"sku\"]}},"
                  + "\"day\": {\"type\": \"string\", \"format\": \"date\"}}}"));

  @Test
  void violationsNameTheInstancePath() {
    assertEquals(
        List.of("$.total: must have a minimum value of 0"),
        ORDER.violations(json("{\"total\": -1}")));
    assertEquals(
        List.of("$.lines[1]: required property 'sku' not found"),
        ORDER.violations(json("{\"total\": 1, \"lines\": [{\"sku\": \"a\"}, {}]}")));
    assertEquals(List.of("$: required property 'total' not found"), ORDER.violations(json("{}")));
  }

  @Test
  void everyViolationIsListed() {
    assertEquals(2, ORDER.violations(json("{\"total\": \"x\", \"lines\": [{}]}")).size());
  }

  @Test
  void conformingValuesPass() {
    assertTrue(ORDER.accepts(json("{\"total\": 0, \"lines\": [], \"day\": \"2024-02-29\"}")));
    assertEquals(List.of(), ORDER.violations(json("{\"total\": 3.5}")));
  }

  @Test
  void formatsAreAsserted() {
    assertFalse(ORDER.accepts(json("{\"total\": 1, \"day\": \"yesterday\"}")));
  }

  @Test
  void badSchemasAreRefusedWithTheirLocation() {
    Contract.InvalidSchemaException e =
        assertThrows(
            Contract.InvalidSchemaException.class,
            () ->
                Contract.compile(
                    json("{\"type\": \"objekt\", \"properties\": {\"a\": {\"minimum\": \"x\"}}}")));
    assertEquals(
        Set.of(
            new Contract.SchemaProblem(
                List.of("type"),
                "$.type: does not have a value in the enumeration [\"array\", \"boolean\","
                    + " \"integer\", \"null\", \"number\", \"object\", \"string\"]"),
            new Contract.SchemaProblem(
                List.of("properties", "a", "minimum"),
                "$.properties.a.minimum: string found, number expected")),
        Set.copyOf(e.problems()));
  }

  @Test
  void schemasMustBeSelfContained() {
    Contract.InvalidSchemaException e =
        assertThrows(
            Contract.InvalidSchemaException.class,
            () -> Contract.compile(json("{\"$ref\": \"http://127.0.0.1:9/x.json\"}")));
    assertTrue(
        e.getMessage().contains("is not allowed: a schema must be self-contained"), e.getMessage());
  }

  @Test
  void localRefsWork() {
    Contract contract =
        Contract.compile(
            json(
                "{\"$defs\": {\"pos\": {\"type\": \"number\", \"exclusiveMinimum\": 0}},"
                    + " \"properties\": {\"n\": {\"$ref\": \"#/$defs/pos\"}}}"));
    assertEquals(
        List.of("$.n: must have an exclusive minimum value of 0"),
        contract.violations(json("{\"n\": 0}")));
  }

  @Test
  void booleanSchemasAreSchemas() {
    assertTrue(Contract.compile(json("true")).accepts(json("42")));
    assertFalse(Contract.compile(json("false")).accepts(json("42")));
  }

  @Test
  void equalBySchema() {
    assertEquals(
        Contract.compile(json("{\"type\": \"string\"}")),
        Contract.compile(json("{\"type\": \"string\"}")));
    assertNotEquals(
        Contract.compile(json("{\"type\": \"string\"}")),
        Contract.compile(json("{\"type\": \"number\"}")));
  }
}
