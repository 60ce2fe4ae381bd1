package dev.taproot.expression;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.google.common.primitives.UnsignedLong;
import dev.cel.common.values.CelByteString;
import dev.cel.common.values.NullValue;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CelValuesTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void integersBecomeLongsAndFractionsDoubles() throws Exception {
    Map<?, ?> value =
        (Map<?, ?>)
            CelValues.toCel(JSON.readTree("{\"i\": 3, \"d\": 3.0, \"big\": 9007199254740993}"));
    assertEquals(3L, value.get("i"));
    assertEquals(3.0, value.get("d"));
    assertEquals(9007199254740993L, value.get("big"));
  }

  @Test
  void scalarsNullAndBytesMapToCelTypes() {
    JsonNodeFactory f = JsonNodeFactory.instance;
    assertEquals(NullValue.NULL_VALUE, CelValues.toCel(f.nullNode()));
    assertEquals(NullValue.NULL_VALUE, CelValues.toCel(null));
    assertEquals(true, CelValues.toCel(f.booleanNode(true)));
    assertEquals("x", CelValues.toCel(f.textNode("x")));
    assertEquals(
        CelByteString.of(new byte[] {1, 2}), CelValues.toCel(f.binaryNode(new byte[] {1, 2})));
  }

  @Test
  void integersBeyondInt64BecomeDoubles() throws Exception {
    Object value = CelValues.toCel(JSON.readTree("18446744073709551616"));
    assertEquals(1.8446744073709552E19, value);
  }

  @Test
  void nestedValuesKeepFieldOrder() throws Exception {
    Object value = CelValues.toCel(JSON.readTree("{\"b\": [1, {\"c\": null}], \"a\": \"x\"}"));
    Map<?, ?> map = assertInstanceOf(Map.class, value);
    assertEquals(List.of("b", "a"), List.copyOf(map.keySet()));
    List<?> list = assertInstanceOf(List.class, map.get("b"));
    assertEquals(1L, list.get(0));
    assertEquals(Map.of("c", NullValue.NULL_VALUE), list.get(1));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "0",
        "-17",
        "2147483648",
        "-9223372036854775808",
        "1.5",
        "3.0",
        "1e300",
        "\"text\"",
        "true",
        "null",
        "[]",
        "{}",
        "{\"order\": {\"id\": 7, \"lines\": [{\"qty\": 2, \"price\": 9.99}], \"note\": null}}",
        "[1, 1.0, \"1\", [true, false], {\"k\": [[]]}]"
      })
  void jsonRoundTripsThroughCel(String text) throws Exception {
    JsonNode original = JSON.readTree(text);
    JsonNode back = CelValues.toJson(CelValues.toCel(original));
    assertEquals(original, back);
    assertEquals(original.getNodeType(), back.getNodeType());
    assertEquals(original.isIntegralNumber(), back.isIntegralNumber());
  }

  @Test
  void celOnlyValuesGetAJsonForm() {
    assertEquals(JsonNodeFactory.instance.numberNode(5), CelValues.toJson(UnsignedLong.valueOf(5)));
    assertEquals("18446744073709551615", CelValues.toJson(UnsignedLong.MAX_VALUE).asText());
    assertEquals(
        "2024-01-01T00:00:00Z",
        CelValues.toJson(Instant.parse("2024-01-01T00:00:00Z")).textValue());
    assertEquals("1.5s", CelValues.toJson(Duration.ofMillis(1500)).textValue());
    assertEquals("x", CelValues.toJson(Optional.of("x")).textValue());
    assertEquals(JsonNodeFactory.instance.nullNode(), CelValues.toJson(Optional.empty()));
    Map<Object, Object> intKeys = new LinkedHashMap<>();
    intKeys.put(1L, "a");
    intKeys.put(true, "b");
    assertEquals("{\"1\":\"a\",\"true\":\"b\"}", CelValues.toJson(intKeys).toString());
  }

  @Test
  void nanAndInfinityHaveNoJsonForm() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> CelValues.toJson(Double.NaN));
    assertEquals("the result is NaN, which JSON cannot hold", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> CelValues.toJson(Double.POSITIVE_INFINITY));
  }

  @Test
  void unknownTypesAreRefused() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> CelValues.toJson(new Object()));
    assertEquals("a CEL value of type java.lang.Object has no JSON form", e.getMessage());
  }
}
