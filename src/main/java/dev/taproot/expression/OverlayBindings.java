package dev.taproot.expression;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

record OverlayBindings(Bindings base, String variable, Object value) implements Bindings {
  OverlayBindings {
    Objects.requireNonNull(base, "base");
    Objects.requireNonNull(variable, "variable");
    Objects.requireNonNull(value, "value: bind JSON null as CelValues.toCel(NullNode)");
  }

  @Override
  public Object celValue(String name) {
    return variable.equals(name) ? value : base.celValue(name);
  }

  @Override
  public JsonNode jsonValue(String name) {
    return variable.equals(name) ? null : base.jsonValue(name);
  }
}
