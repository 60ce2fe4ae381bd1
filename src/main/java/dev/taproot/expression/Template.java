package dev.taproot.expression;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A JSON-shaped value whose leaves may be expressions. A string that is exactly one {@code ${{ }}}
 * (surrounding whitespace aside) keeps the expression's type; expressions inside a longer string
 * are interpolated as text (strings as they are, anything else as compact JSON). Immutable.
 */
public sealed interface Template
    permits Template.Literal,
        Template.Single,
        Template.Interpolated,
        Template.Fields,
        Template.Items {

  /** Builds the value for one set of bindings. */
  JsonNode evaluate(Bindings bindings);

  /** Every expression, in document order. */
  List<Expression> expressions();

  /** The references of all expressions, each once, in document order. */
  default List<Reference> references() {
    Set<Reference> all = new LinkedHashSet<>();
    expressions().forEach(expression -> all.addAll(expression.references()));
    return List.copyOf(all);
  }

  /** True when there is no expression: evaluation always gives the same value. */
  default boolean isConstant() {
    return expressions().isEmpty();
  }

  /**
   * A whole JSON value; strings holding {@code ${{ }}} become expressions.
   *
   * @throws InvalidExpressionException for the first string that does not compile
   */
  static Template of(JsonNode value) {
    Objects.requireNonNull(value, "value");
    if (value.isTextual()) {
      return ofString(value.textValue());
    }
    if (value.isObject()) {
      Map<String, Template> fields = new LinkedHashMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> field = it.next();
        fields.put(field.getKey(), of(field.getValue()));
      }
      return object(fields);
    }
    if (value.isArray()) {
      List<Template> items = new ArrayList<>();
      value.forEach(element -> items.add(of(element)));
      return array(items);
    }
    return literal(value);
  }

  /**
   * One string.
   *
   * @throws InvalidExpressionException with every problem of every expression in it, offsets
   *     counted in code points from the start of {@code text}
   */
  static Template ofString(String text) {
    return ofString(text, new ArrayList<>());
  }

  /**
   * {@link #ofString(String)}, also adding to {@code found} each expression with the code-point
   * offset where its source starts in {@code text}, for callers that report positions.
   */
  static Template ofString(String text, List<Located> found) {
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(found, "found");
    if (!TemplateScanner.containsExpression(text)) {
      return literal(JsonNodeFactory.instance.textNode(text));
    }
    List<TemplateScanner.Segment> segments = TemplateScanner.scan(text);
    List<InvalidExpressionException.Issue> issues = new ArrayList<>();
    List<Part> parts = new ArrayList<>();
    List<Located> located = new ArrayList<>();
    for (TemplateScanner.Segment segment : segments) {
      if (segment instanceof TemplateScanner.Text t) {
        parts.add(new Part.Text(t.text()));
      } else if (segment instanceof TemplateScanner.Source s) {
        try {
          Expression expression = Expression.compile(s.source());
          parts.add(new Part.Embedded(expression));
          located.add(new Located(expression, s.offset()));
        } catch (InvalidExpressionException e) {
          for (InvalidExpressionException.Issue issue : e.issues()) {
            // An issue without a position (an empty expression) is placed at the expression.
            issues.add(
                issue.offset() < 0
                    ? new InvalidExpressionException.Issue(s.offset(), issue.message())
                    : issue.shiftedBy(s.offset()));
          }
        }
      }
    }
    if (!issues.isEmpty()) {
      throw new InvalidExpressionException(issues);
    }
    found.addAll(located);
    List<Part> meaningful =
        parts.stream().filter(p -> !(p instanceof Part.Text t && t.text().isBlank())).toList();
    if (meaningful.size() == 1 && meaningful.get(0) instanceof Part.Embedded only) {
      return new Single(only.expression());
    }
    return new Interpolated(parts);
  }

  static Template literal(JsonNode value) {
    return new Literal(value);
  }

  /** An object; collapses to a literal when no field holds an expression. */
  static Template object(Map<String, Template> fields) {
    if (fields.values().stream().allMatch(Template::isConstant)) {
      ObjectNode object = JsonNodeFactory.instance.objectNode();
      fields.forEach((name, field) -> object.set(name, field.evaluate(Bindings.empty())));
      return new Literal(object);
    }
    return new Fields(fields);
  }

  /** An array; collapses to a literal when no element holds an expression. */
  static Template array(List<Template> items) {
    if (items.stream().allMatch(Template::isConstant)) {
      ArrayNode array = JsonNodeFactory.instance.arrayNode();
      items.forEach(item -> array.add(item.evaluate(Bindings.empty())));
      return new Literal(array);
    }
    return new Items(items);
  }

  /** An expression of a template string and the code-point offset where its source starts. */
  record Located(Expression expression, int offset) {
    public Located {
      Objects.requireNonNull(expression, "expression");
      if (offset < 0) {
        throw new IllegalArgumentException("offset must be >= 0: " + offset);
      }
    }
  }

  /** A constant value. */
  record Literal(JsonNode value) implements Template {
    public Literal {
      value = Objects.requireNonNull(value, "value").deepCopy();
    }

    @Override
    public JsonNode value() {
      return value.deepCopy();
    }

    @Override
    public JsonNode evaluate(Bindings bindings) {
      return value.deepCopy();
    }

    @Override
    public List<Expression> expressions() {
      return List.of();
    }
  }

  /** Exactly one expression: the value has the expression's type. */
  record Single(Expression expression) implements Template {
    public Single {
      Objects.requireNonNull(expression, "expression");
    }

    @Override
    public JsonNode evaluate(Bindings bindings) {
      return expression.evaluate(bindings);
    }

    @Override
    public List<Expression> expressions() {
      return List.of(expression);
    }
  }

  /** Text with expressions inside: always a string. */
  record Interpolated(List<Part> parts) implements Template {
    public Interpolated {
      parts = List.copyOf(parts);
      if (parts.stream().noneMatch(Part.Embedded.class::isInstance)) {
        throw new IllegalArgumentException("an interpolated string needs an expression");
      }
    }

    @Override
    public JsonNode evaluate(Bindings bindings) {
      StringBuilder text = new StringBuilder();
      for (Part part : parts) {
        if (part instanceof Part.Text t) {
          text.append(t.text());
        } else if (part instanceof Part.Embedded e) {
          Object value = e.expression().evaluateCel(bindings);
          if (value instanceof String s) {
            text.append(s);
          } else {
            try {
              text.append(CelValues.toJson(value));
            } catch (IllegalArgumentException problem) {
              throw new ExpressionException(e.expression().source(), problem.getMessage(), problem);
            }
          }
        }
      }
      return JsonNodeFactory.instance.textNode(text.toString());
    }

    @Override
    public List<Expression> expressions() {
      return parts.stream()
          .filter(Part.Embedded.class::isInstance)
          .map(part -> ((Part.Embedded) part).expression())
          .toList();
    }
  }

  /** A piece of an interpolated string. */
  sealed interface Part permits Part.Text, Part.Embedded {
    record Text(String text) implements Part {
      public Text {
        Objects.requireNonNull(text, "text");
      }
    }

    record Embedded(Expression expression) implements Part {
      public Embedded {
        Objects.requireNonNull(expression, "expression");
      }
    }
  }

  /** An object with at least one expression inside. Field order is kept. */
  record Fields(Map<String, Template> fields) implements Template {
    public Fields {
      fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    }

    @Override
    public JsonNode evaluate(Bindings bindings) {
      ObjectNode object = JsonNodeFactory.instance.objectNode();
      fields.forEach((name, field) -> object.set(name, field.evaluate(bindings)));
      return object;
    }

    @Override
    public List<Expression> expressions() {
      List<Expression> all = new ArrayList<>();
      fields.values().forEach(field -> all.addAll(field.expressions()));
      return all;
    }
  }

  /** An array with at least one expression inside. */
  record Items(List<Template> items) implements Template {
    public Items {
      items = List.copyOf(items);
    }

    @Override
    public JsonNode evaluate(Bindings bindings) {
      ArrayNode array = JsonNodeFactory.instance.arrayNode();
      items.forEach(item -> array.add(item.evaluate(bindings)));
      return array;
    }

    @Override
    public List<Expression> expressions() {
      List<Expression> all = new ArrayList<>();
      items.forEach(item -> all.addAll(item.expressions()));
      return all;
    }
  }
}
