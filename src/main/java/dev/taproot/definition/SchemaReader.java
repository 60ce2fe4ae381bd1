package dev.taproot.definition;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.SequenceNode;

/** Compiles a JSON Schema written in YAML, reporting each problem at the node it concerns. */
final class SchemaReader {

  private static final Pattern LOCATION_PREFIX = Pattern.compile("^\\$[^:]*: ");

  private SchemaReader() {}

  /** The compiled contract, or null when the schema is wrong (reported). */
  static Contract read(Node node, String path, Problems problems) {
    JsonNode schema = YamlValues.toJson(node, path, problems);
    if (schema == null) {
      return null;
    }
    try {
      return Contract.compile(schema);
    } catch (Contract.InvalidSchemaException e) {
      for (Contract.SchemaProblem problem : e.problems()) {
        Node at = node;
        String atPath = path;
        for (Object segment : problem.location()) {
          Node next = child(at, segment, atPath);
          if (next == null) {
            break;
          }
          atPath =
              segment instanceof Integer index
                  ? Paths.index(atPath, index)
                  : Paths.field(atPath, segment.toString());
          at = next;
        }
        String message = LOCATION_PREFIX.matcher(problem.message()).replaceFirst("");
        problems.at(at, atPath, "not a valid JSON Schema (2020-12): " + message);
      }
      return null;
    }
  }

  private static Node child(Node parent, Object segment, String path) {
    if (parent instanceof MappingNode mapping && segment instanceof String name) {
      // Duplicates were reported while converting; a throwaway collector keeps them single.
      YamlMaps.Entry entry = YamlMaps.entries(mapping, path, new Problems()).get(name);
      return entry == null ? null : entry.value();
    }
    if (parent instanceof SequenceNode sequence
        && segment instanceof Integer index
        && index < sequence.getValue().size()) {
      return sequence.getValue().get(index);
    }
    return null;
  }
}
