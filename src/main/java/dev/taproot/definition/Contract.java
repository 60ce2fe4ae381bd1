package dev.taproot.definition;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.AbsoluteIri;
import com.networknt.schema.JsonNodePath;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaException;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.PathType;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import com.networknt.schema.resource.InputStreamSource;
import com.networknt.schema.resource.SchemaLoader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A JSON Schema (2020-12), compiled once, that values are checked against: a step's input and
 * output contracts and the workflow's input schema. Thread-safe; equal when the schemas are.
 */
public final class Contract {

  /** One problem in a schema; {@code location} holds the names and indices leading to it. */
  public record SchemaProblem(List<Object> location, String message) {
    public SchemaProblem {
      location = List.copyOf(location);
      Objects.requireNonNull(message, "message");
    }
  }

  /** The schema itself is not a valid JSON Schema 2020-12. */
  public static final class InvalidSchemaException extends IllegalArgumentException {
    private final List<SchemaProblem> problems;

    InvalidSchemaException(List<SchemaProblem> problems) {
      super(String.join("; ", problems.stream().map(SchemaProblem::message).toList()));
      this.problems = List.copyOf(problems);
    }

    public List<SchemaProblem> problems() {
      return problems;
    }
  }

  private static final Pattern WRAPPED_EXCEPTION =
      Pattern.compile("^([a-z][a-z0-9_]*\\.)+[A-Z]\\w*(Exception|Error): ");

  private static final String META_SCHEMA = "https://json-schema.org/draft/2020-12/schema";

  /**
   * Schemas travel inside definitions and are checked on a server: a {@code $ref} may point inside
   * the schema or at the bundled meta-schemas (which the factory maps to classpath:draft…), never
   * at a network address or a file.
   */
  private static final SchemaLoader SELF_CONTAINED =
      new SchemaLoader() {
        @Override
        public InputStreamSource getSchema(AbsoluteIri iri) {
          String text = iri.toString();
          if (text.startsWith("classpath:draft")) {
            return null; // the default loaders serve the bundled meta-schemas
          }
          throw new JsonSchemaException(
              "$ref to '" + text + "' is not allowed: a schema must be self-contained ($defs)");
        }
      };

  private static final JsonSchemaFactory FACTORY =
      JsonSchemaFactory.getInstance(
          SpecVersion.VersionFlag.V202012,
          builder -> builder.schemaLoaders(loaders -> loaders.add(SELF_CONTAINED)));

  // Contracts exist to stop bad data, so "format" asserts (2020-12 only annotates by default).
  private static final SchemaValidatorsConfig CONFIG =
      SchemaValidatorsConfig.builder()
          .formatAssertionsEnabled(true)
          .pathType(PathType.JSON_PATH)
          .build();

  private static final JsonSchema META = FACTORY.getSchema(SchemaLocation.of(META_SCHEMA));

  private final JsonNode schema;
  private final JsonSchema compiled;

  private Contract(JsonNode schema, JsonSchema compiled) {
    this.schema = schema;
    this.compiled = compiled;
  }

  /**
   * Checks {@code schema} against the 2020-12 meta-schema, then compiles it.
   *
   * @throws InvalidSchemaException listing each problem with its location inside the schema
   */
  // Boundary: the schema library reports a bad schema with whatever it throws (bad $ref, bad
  // pattern, its own bugs); each becomes a named problem of the definition.
  @SuppressWarnings("checkstyle:IllegalCatch")
  public static Contract compile(JsonNode schema) {
    Objects.requireNonNull(schema, "schema");
    JsonNode copy = schema.deepCopy();
    List<SchemaProblem> problems = metaSchemaProblems(copy);
    if (!problems.isEmpty()) {
      throw new InvalidSchemaException(problems);
    }
    try {
      JsonSchema compiled = FACTORY.getSchema(copy, CONFIG);
      // Validators are built lazily by default; building them now surfaces bad $refs and
      // patterns at submit time and leaves nothing to initialise concurrently later.
      compiled.initializeValidators();
      return new Contract(copy, compiled);
    } catch (RuntimeException e) {
      throw new InvalidSchemaException(List.of(new SchemaProblem(List.of(), firstLine(e))));
    }
  }

  /** The gist of a compile failure: wrapped exceptions name their class, regexes add a caret. */
  private static String firstLine(RuntimeException e) {
    String message = Objects.requireNonNullElse(e.getMessage(), e.toString()).strip();
    message = WRAPPED_EXCEPTION.matcher(message).replaceFirst("");
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline).strip();
  }

  private static List<SchemaProblem> metaSchemaProblems(JsonNode schema) {
    // The meta-schema reports some problems twice (once per anyOf branch); keep the first per spot.
    Map<List<Object>, String> first = new LinkedHashMap<>();
    for (ValidationMessage message : META.validate(schema)) {
      first.putIfAbsent(segments(message.getInstanceLocation()), message.getMessage());
    }
    List<SchemaProblem> problems = new ArrayList<>();
    first.forEach((location, message) -> problems.add(new SchemaProblem(location, message)));
    return problems;
  }

  private static List<Object> segments(JsonNodePath path) {
    List<Object> segments = new ArrayList<>();
    for (int i = 0; i < path.getNameCount(); i++) {
      segments.add(path.getElement(i));
    }
    return segments;
  }

  /** The schema as written. */
  public JsonNode schema() {
    return schema.deepCopy();
  }

  /**
   * Every way {@code value} breaks the schema, each naming the instance path, e.g. {@code $.total:
   * must have a minimum value of 0}; empty when it conforms.
   */
  public List<String> violations(JsonNode value) {
    return compiled.validate(Objects.requireNonNull(value, "value")).stream()
        .map(ValidationMessage::getMessage)
        .toList();
  }

  public boolean accepts(JsonNode value) {
    return violations(value).isEmpty();
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Contract that && schema.equals(that.schema);
  }

  @Override
  public int hashCode() {
    return schema.hashCode();
  }

  @Override
  public String toString() {
    return "Contract" + schema;
  }
}
