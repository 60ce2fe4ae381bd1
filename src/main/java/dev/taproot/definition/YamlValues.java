package dev.taproot.definition;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/** Turns YAML nodes into JSON values, reporting what JSON cannot hold. */
final class YamlValues {

  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
  private static final Map<Tag, String> SCALAR_KINDS =
      Map.of(Tag.NULL, "null", Tag.BOOL, "boolean", Tag.INT, "number", Tag.FLOAT, "number");

  private YamlValues() {}

  /** The JSON form of any node; null (with errors reported) when some part has none. */
  static JsonNode toJson(Node node, String path, Problems problems) {
    if (node instanceof MappingNode mapping) {
      ObjectNode object = JSON.objectNode();
      boolean ok = true;
      for (YamlMaps.Entry entry : YamlMaps.entries(mapping, path, problems).values()) {
        JsonNode value = toJson(entry.value(), entry.path(), problems);
        ok &= value != null;
        if (value != null) {
          object.set(entry.key(), value);
        }
      }
      // Fewer fields than keys: a key was rejected (and reported), so the value is not whole.
      return ok && mapping.getValue().size() == object.size() ? object : null;
    }
    if (node instanceof SequenceNode sequence) {
      ArrayNode array = JSON.arrayNode();
      List<Node> elements = sequence.getValue();
      boolean ok = true;
      for (int i = 0; i < elements.size(); i++) {
        JsonNode value = toJson(elements.get(i), Paths.index(path, i), problems);
        ok &= value != null;
        array.add(value);
      }
      return ok ? array : null;
    }
    try {
      return scalar((ScalarNode) node);
    } catch (IllegalArgumentException e) {
      problems.at(node, path, e.getMessage());
      return null;
    }
  }

  /**
   * The JSON value of a scalar, typed by its (core schema or explicit) tag.
   *
   * @throws IllegalArgumentException for tags and values JSON has no form for
   */
  static JsonNode scalar(ScalarNode node) {
    Tag tag = node.getTag();
    String value = node.getValue();
    if (tag.equals(Tag.STR)) {
      return JSON.textNode(value);
    }
    if (tag.equals(Tag.NULL)) {
      return JSON.nullNode();
    }
    if (tag.equals(Tag.BOOL)) {
      return JSON.booleanNode(value.equalsIgnoreCase("true"));
    }
    if (tag.equals(Tag.INT)) {
      return integer(value);
    }
    if (tag.equals(Tag.FLOAT)) {
      double number;
      try {
        number = Double.parseDouble(value);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("'" + value + "' is not a number JSON can hold");
      }
      if (Double.isNaN(number) || Double.isInfinite(number)) {
        throw new IllegalArgumentException(
            "'" + value + "' is not a number JSON can hold; quote it to make it text");
      }
      return JSON.numberNode(number);
    }
    throw new IllegalArgumentException(
        "the YAML tag "
            + tag.getValue().replace(Tag.PREFIX, "!!")
            + " is not supported: use plain JSON-like values (text, numbers, true/false, null)");
  }

  private static JsonNode integer(String text) {
    String digits = text;
    int radix = 10;
    boolean negative = false;
    if (digits.startsWith("+") || digits.startsWith("-")) {
      negative = digits.startsWith("-");
      digits = digits.substring(1);
    }
    if (digits.startsWith("0x")) {
      radix = 16;
      digits = digits.substring(2);
    } else if (digits.startsWith("0o")) {
      radix = 8;
      digits = digits.substring(2);
    }
    BigInteger value;
    try {
      value = new BigInteger(digits, radix);
    } catch (NumberFormatException e) {
      // An explicit !!int tag on something that is no integer.
      throw new IllegalArgumentException("'" + text + "' is not an integer");
    }
    if (negative) {
      value = value.negate();
    }
    // Same node types as Jackson's parser gives for JSON text, so trees compare equal.
    if (value.bitLength() < 32) {
      return JSON.numberNode(value.intValue());
    }
    if (value.bitLength() < 64) {
      return JSON.numberNode(value.longValue());
    }
    return JSON.numberNode(value);
  }

  /** "mapping", "list" or "text", for messages. */
  static String kindOf(Node node) {
    if (node instanceof MappingNode) {
      return "mapping";
    }
    if (node instanceof SequenceNode) {
      return "list";
    }
    return SCALAR_KINDS.getOrDefault(node.getTag(), "text");
  }
}
