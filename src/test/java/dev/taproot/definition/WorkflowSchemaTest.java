package dev.taproot.definition;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.networknt.schema.JsonNodePath;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.representer.Representer;

/**
 * Keeps the JSON Schema that editors use (src/main/resources/schema/workflow.schema.json) and the
 * parser in agreement on every fixture: what the parser accepts the schema accepts, and each error
 * the parser reports is reported by the schema at the same place, unless it is of a kind a schema
 * cannot express, listed in {@link #BEYOND_A_SCHEMA} with the reason.
 */
class WorkflowSchemaTest {

  /** Message fragments of parser errors a JSON Schema cannot check, and why. */
  static final Map<String, String> BEYOND_A_SCHEMA =
      Map.ofEntries(
          Map.entry("duplicate key", "a YAML loader keeps one value per key before any schema"),
          Map.entry("merge keys (<<)", "a YAML loader merges them before any schema"),
          Map.entry("the YAML tag", "a YAML loader turns tagged values into ordinary ones"),
          Map.entry("is not a number JSON can hold", "the loader reads .nan as a number"),
          Map.entry("cycle:", "a cycle is a property of the whole graph"),
          Map.entry("CEL ", "CEL syntax and types"),
          Map.entry("is never closed", "the inside of a ${{ }} template"),
          Map.entry("empty expression", "the inside of a ${{ }} template"),
          Map.entry("forEach must give a list", "the CEL type of the expression"),
          Map.entry("when must give true or false", "the CEL type of the expression"),
          Map.entry("only exists in a step with forEach", "references inside CEL"),
          Map.entry("only exists inside a step with forEach", "references inside CEL"),
          Map.entry("cannot be used in forEach itself", "references inside CEL"),
          Map.entry("so it has no items", "references to another step's shape"),
          Map.entry("has forEach: use steps.", "references to another step's shape"),
          Map.entry("bad reference", "references inside CEL"),
          Map.entry("refers to itself", "references inside CEL"),
          Map.entry("cannot need itself", "a value compared with its step's id"),
          Map.entry("unknown step", "references between steps"),
          Map.entry("unknown function alias", "references from steps to functions"),
          Map.entry("is registered", "the function registry is on the server"),
          Map.entry("has no version", "the function registry is on the server"),
          Map.entry("no function has the digest", "the function registry is on the server"),
          Map.entry("export only applies to extism", "the function's ABI is on the server"),
          Map.entry("is shorter than backoff", "two durations compared"),
          Map.entry("memory must be between", "a range over sizes written with units"),
          Map.entry("$ref to", "any URI is a valid $ref; the server allows only local ones"),
          Map.entry("Unclosed character class", "regex syntax (format: regex) is not asserted"));

  private static final Pattern EXPECT =
      Pattern.compile("^# expect: (\\d+):(\\d+) (\\S+) \\| (.+)$", Pattern.MULTILINE);
  private static final Pattern PATH_SEGMENT =
      Pattern.compile("\\[\"([^\"]*)\"]|\\[(\\d+)]|\\.?([^.\\[]+)");

  private static final JsonSchemaFactory FACTORY =
      JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
  private static final JsonNode SCHEMA_NODE = schemaNode();
  private static final JsonSchema SCHEMA = FACTORY.getSchema(SCHEMA_NODE);

  static Stream<Path> accepted() throws IOException, URISyntaxException {
    return Stream.concat(fixtures("/definitions/valid"), fixtures("/workflows"));
  }

  static Stream<Path> rejected() throws IOException, URISyntaxException {
    return fixtures("/definitions/invalid");
  }

  @Test
  void theSchemaIsAValidJsonSchema202012() {
    JsonSchema meta =
        FACTORY.getSchema(SchemaLocation.of("https://json-schema.org/draft/2020-12/schema"));
    assertEquals(Set.of(), meta.validate(SCHEMA_NODE));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("accepted")
  void whatTheParserAcceptsTheSchemaAccepts(Path file) throws IOException {
    String yaml = Files.readString(file, StandardCharsets.UTF_8);
    if (file.getParent().getFileName().toString().equals("valid")) {
      // The bundled workflows name the bundled functions; tests with the real registry run them.
      DefinitionParser.parse(yaml, FakeRegistry.standard());
    }

    List<String> problems = SCHEMA.validate(load(yaml)).stream().map(Object::toString).toList();

    assertEquals(List.of(), problems, file.getFileName() + " is valid but the schema rejects it");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rejected")
  void eachErrorASchemaCanExpressIsReportedAtTheSamePlace(Path file) throws IOException {
    String yaml = Files.readString(file, StandardCharsets.UTF_8);
    List<String[]> expected = expectations(yaml);
    assertFalse(expected.isEmpty(), file + " states no errors");
    if (expected.stream().anyMatch(e -> e[2].startsWith("YAML syntax error"))) {
      assertThrows(YAMLException.class, () -> load(yaml), "an editor's YAML parser stops there");
      return;
    }
    List<ValidationMessage> reported = new ArrayList<>(SCHEMA.validate(load(yaml)));
    int checked = 0;
    for (String[] error : expected) {
      if (BEYOND_A_SCHEMA.keySet().stream().anyMatch(error[2]::contains)
          || insideAReplacedDuplicate(error, expected)) {
        continue;
      }
      checked++;
      List<String> at = segments(error[1]);
      assertTrue(
          reported.stream().anyMatch(m -> related(at, location(m))),
          file.getFileName()
              + ": the schema misses "
              + error[1]
              + " | "
              + error[2]
              + "\nit reported:\n  "
              + reported.stream().map(Object::toString).collect(Collectors.joining("\n  ")));
    }
    assertEquals(checked == 0, reported.isEmpty(), file + ": " + reported);
  }

  /**
   * An error in the first of two values under the same key: the loader keeps only the second, so no
   * schema sees the first.
   */
  private static boolean insideAReplacedDuplicate(String[] error, List<String[]> all) {
    return all.stream()
        .anyMatch(
            d ->
                d[2].startsWith("duplicate key")
                    && Integer.parseInt(error[0]) < Integer.parseInt(d[0])
                    && error[1].startsWith(d[1] + "."));
  }

  /** The same place, its parent (required, unknown fields, names) or inside it (nested values). */
  private static boolean related(List<String> expected, List<String> reported) {
    if (reported.size() >= expected.size()) {
      return reported.subList(0, expected.size()).equals(expected);
    }
    return reported.size() == expected.size() - 1
        && expected.subList(0, reported.size()).equals(reported);
  }

  private static List<String> location(ValidationMessage message) {
    JsonNodePath path = message.getInstanceLocation();
    List<String> segments = new ArrayList<>();
    for (int i = 0; i < path.getNameCount(); i++) {
      segments.add(String.valueOf(path.getElement(i)));
    }
    return segments;
  }

  private static List<String> segments(String path) {
    List<String> segments = new ArrayList<>();
    if (path.equals("(root)")) {
      return segments;
    }
    Matcher m = PATH_SEGMENT.matcher(path);
    while (m.find()) {
      segments.add(m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2) : m.group(3));
    }
    return segments;
  }

  /** {line, path, message} of each "# expect:" line. */
  private static List<String[]> expectations(String yaml) {
    List<String[]> expected = new ArrayList<>();
    Matcher m = EXPECT.matcher(yaml);
    while (m.find()) {
      expected.add(new String[] {m.group(1), m.group(3), m.group(4).strip()});
    }
    return expected;
  }

  /** YAML as an editor's language server reads it: the YAML 1.2 core schema, into JSON. */
  private static JsonNode load(String yaml) {
    LoaderOptions options = new LoaderOptions();
    Yaml loader =
        new Yaml(
            new SafeConstructor(options),
            new Representer(new DumperOptions()),
            new DumperOptions(),
            options,
            new CoreSchemaResolver());
    return json(loader.load(yaml));
  }

  private static JsonNode json(Object value) {
    JsonNodeFactory nodes = JsonNodeFactory.instance;
    if (value instanceof Map<?, ?> map) {
      var object = nodes.objectNode();
      map.forEach((k, v) -> object.set(String.valueOf(k), json(v)));
      return object;
    }
    if (value instanceof List<?> list) {
      var array = nodes.arrayNode();
      list.forEach(v -> array.add(json(v)));
      return array;
    }
    if (value == null) {
      return nodes.nullNode();
    }
    if (value instanceof Boolean b) {
      return nodes.booleanNode(b);
    }
    if (value instanceof Integer || value instanceof Long) {
      return nodes.numberNode(((Number) value).longValue());
    }
    if (value instanceof BigInteger big) {
      return nodes.numberNode(big);
    }
    if (value instanceof Double d) {
      return nodes.numberNode(d);
    }
    return nodes.textNode(String.valueOf(value));
  }

  private static JsonNode schemaNode() {
    try (InputStream in =
        WorkflowSchemaTest.class.getResourceAsStream("/schema/workflow.schema.json")) {
      return new ObjectMapper().readTree(in);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Stream<Path> fixtures(String resource) throws IOException, URISyntaxException {
    Path dir = Path.of(WorkflowSchemaTest.class.getResource(resource).toURI());
    try (Stream<Path> listing = Files.list(dir)) {
      return listing.filter(p -> p.toString().endsWith(".yaml")).sorted().toList().stream();
    }
  }
}
