package dev.taproot.expression;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The variables of one evaluation ({@code input}, {@code run}, {@code steps}, {@code item}) as
 * CEL-native values (see {@link CelValues}). Values are asked for lazily and are expected to be
 * converted already: the run input may be large and is read once per item, so callers cache the
 * converted value instead of converting JSON on every evaluation.
 */
@FunctionalInterface
public interface Bindings {

  /** The CEL value of {@code variable}, or null when it is not bound. */
  Object celValue(String variable);

  /**
   * The JSON value of {@code variable} when the caller has it, or null. An expression that is
   * nothing but a select chain ({@code item.output.total}) is then answered by walking the JSON,
   * without converting it to CEL and back: the common case of a step input, once per item.
   */
  default JsonNode jsonValue(String variable) {
    return null;
  }

  /** These bindings plus (or with a new value for) one variable; typically {@code item}. */
  default Bindings with(String variable, Object celValue) {
    return new OverlayBindings(this, variable, celValue);
  }

  /** Bindings over values that are already CEL-native. */
  static Bindings of(Map<String, ?> celValues) {
    return new MapBindings(Map.copyOf(celValues));
  }

  /** Bindings converted from JSON once, here. */
  static Bindings ofJson(Map<String, JsonNode> jsonValues) {
    Map<String, Object> converted = new LinkedHashMap<>();
    jsonValues.forEach((name, value) -> converted.put(name, CelValues.toCel(value)));
    return new MapBindings(Map.copyOf(converted));
  }

  /** No variable bound: for constant expressions. */
  static Bindings empty() {
    return new MapBindings(Map.of());
  }
}
