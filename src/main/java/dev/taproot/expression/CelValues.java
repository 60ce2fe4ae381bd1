package dev.taproot.expression;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.common.primitives.UnsignedLong;
import com.google.protobuf.ByteString;
import dev.cel.common.values.CelByteString;
import dev.cel.common.values.NullValue;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Converts between Jackson JSON trees and the Java values the CEL runtime works on: Long, Double,
 * String, Boolean, {@link NullValue}, {@link CelByteString}, List and Map.
 */
public final class CelValues {

  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
  private static final BigInteger UNSIGNED_LONG_MAX = UnsignedLong.MAX_VALUE.bigIntegerValue();

  private CelValues() {}

  /** JSON to CEL. Integers become Long and fractions Double, so CEL keeps int and double apart. */
  public static Object toCel(JsonNode node) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      return NullValue.NULL_VALUE;
    }
    return switch (node.getNodeType()) {
      case BOOLEAN -> node.booleanValue();
      case STRING -> node.textValue();
      case NUMBER -> toCelNumber(node);
      case BINARY -> CelByteString.of(binary(node));
      case ARRAY -> toCelList(node);
      case OBJECT -> toCelMap(node);
      default ->
          throw new IllegalArgumentException(
              "cannot give a " + node.getNodeType() + " JSON node to CEL");
    };
  }

  private static Object toCelNumber(JsonNode node) {
    if (node.isIntegralNumber()) {
      if (node.canConvertToLong()) {
        return node.longValue();
      }
      // Beyond int64: CEL's uint does not mix with int in arithmetic, and most JSON producers
      // could not have meant an exact 2^64-scale integer anyway, so hand CEL the nearest double.
      return node.doubleValue();
    }
    return node.doubleValue();
  }

  private static List<Object> toCelList(JsonNode array) {
    List<Object> list = new ArrayList<>(array.size());
    for (JsonNode element : array) {
      list.add(toCel(element));
    }
    return Collections.unmodifiableList(list);
  }

  private static Map<String, Object> toCelMap(JsonNode object) {
    Map<String, Object> map = new LinkedHashMap<>(Math.max(4, object.size() * 2));
    for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      map.put(field.getKey(), toCel(field.getValue()));
    }
    return Collections.unmodifiableMap(map);
  }

  private static byte[] binary(JsonNode node) {
    try {
      return node.binaryValue();
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException("unreadable binary JSON node", e);
    }
  }

  /**
   * CEL to JSON. Values JSON has no type for become text: bytes as base64 (Jackson's binary node),
   * timestamps as RFC 3339, durations in CEL's own {@code 1.5s} form.
   *
   * @throws IllegalArgumentException for NaN and infinities, and for values that have no JSON form
   */
  public static JsonNode toJson(Object value) {
    if (value == null || value instanceof NullValue) {
      return JSON.nullNode();
    }
    if (value instanceof Boolean b) {
      return JSON.booleanNode(b);
    }
    if (value instanceof String s) {
      return JSON.textNode(s);
    }
    if (value instanceof Long || value instanceof Integer || value instanceof Short) {
      return integer(((Number) value).longValue());
    }
    if (value instanceof Double || value instanceof Float) {
      return fraction(((Number) value).doubleValue());
    }
    if (value instanceof UnsignedLong u) {
      return u.compareTo(UnsignedLong.valueOf(Long.MAX_VALUE)) <= 0
          ? integer(u.longValue())
          : JSON.numberNode(u.bigIntegerValue());
    }
    if (value instanceof BigInteger big) {
      return big.bitLength() < 64 ? integer(big.longValue()) : JSON.numberNode(big);
    }
    if (value instanceof BigDecimal decimal) {
      return JSON.numberNode(decimal);
    }
    if (value instanceof CelByteString bytes) {
      return JSON.binaryNode(bytes.toByteArray());
    }
    if (value instanceof ByteString bytes) {
      return JSON.binaryNode(bytes.toByteArray());
    }
    if (value instanceof Map<?, ?> map) {
      ObjectNode object = JSON.objectNode();
      // CEL map keys may be int, uint, bool or string; JSON keys are text.
      map.forEach((key, element) -> object.set(String.valueOf(key), toJson(element)));
      return object;
    }
    if (value instanceof Iterable<?> iterable) {
      ArrayNode array = JSON.arrayNode();
      iterable.forEach(element -> array.add(toJson(element)));
      return array;
    }
    if (value instanceof Optional<?> optional) {
      return optional.map(CelValues::toJson).orElseGet(JSON::nullNode);
    }
    if (value instanceof Instant instant) {
      return JSON.textNode(instant.toString());
    }
    if (value instanceof com.google.protobuf.Timestamp ts) {
      return JSON.textNode(Instant.ofEpochSecond(ts.getSeconds(), ts.getNanos()).toString());
    }
    if (value instanceof Duration duration) {
      return JSON.textNode(celDuration(duration));
    }
    if (value instanceof com.google.protobuf.Duration d) {
      return JSON.textNode(celDuration(Duration.ofSeconds(d.getSeconds(), d.getNanos())));
    }
    throw new IllegalArgumentException(
        "a CEL value of type " + value.getClass().getName() + " has no JSON form");
  }

  /** Matches what Jackson's parser builds, so that converted trees equal parsed ones. */
  private static JsonNode integer(long value) {
    return value == (int) value ? JSON.numberNode((int) value) : JSON.numberNode(value);
  }

  private static JsonNode fraction(double value) {
    if (Double.isNaN(value) || Double.isInfinite(value)) {
      throw new IllegalArgumentException("the result is " + value + ", which JSON cannot hold");
    }
    return JSON.numberNode(value);
  }

  private static String celDuration(Duration duration) {
    BigDecimal seconds =
        BigDecimal.valueOf(duration.getSeconds())
            .add(BigDecimal.valueOf(duration.getNano(), 9))
            .stripTrailingZeros();
    return seconds.toPlainString() + "s";
  }
}
