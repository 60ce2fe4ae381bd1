package dev.taproot.expression;

import java.util.Map;
import java.util.Objects;

record MapBindings(Map<String, Object> values) implements Bindings {
  MapBindings {
    Objects.requireNonNull(values, "values");
  }

  @Override
  public Object celValue(String variable) {
    return values.get(variable);
  }
}
