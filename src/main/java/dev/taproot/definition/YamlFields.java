package dev.taproot.definition;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/** Reads one field's value as a given type; a wrong value is reported and reads as empty. */
final class YamlFields {

  private YamlFields() {}

  static Optional<String> text(YamlMaps.Entry entry, Problems problems) {
    Node value = entry.value();
    if (value instanceof ScalarNode scalar && !scalar.getTag().equals(Tag.NULL)) {
      return Optional.of(scalar.getValue());
    }
    problems.at(value, entry.path(), "'" + entry.key() + "' must be text, not " + article(value));
    return Optional.empty();
  }

  static Optional<MappingNode> mapping(YamlMaps.Entry entry, Problems problems, String example) {
    if (entry.value() instanceof MappingNode mapping) {
      return Optional.of(mapping);
    }
    problems.at(
        entry.value(),
        entry.path(),
        "'"
            + entry.key()
            + "' must be a mapping, not "
            + article(entry.value())
            + ", e.g. "
            + example);
    return Optional.empty();
  }

  static Optional<SequenceNode> list(YamlMaps.Entry entry, Problems problems, String example) {
    if (entry.value() instanceof SequenceNode sequence) {
      return Optional.of(sequence);
    }
    problems.at(
        entry.value(),
        entry.path(),
        "'"
            + entry.key()
            + "' must be a list, not "
            + article(entry.value())
            + ", e.g. "
            + example);
    return Optional.empty();
  }

  static OptionalLong wholeNumber(YamlMaps.Entry entry, Problems problems) {
    if (entry.value() instanceof ScalarNode scalar && scalar.getTag().equals(Tag.INT)) {
      try {
        return OptionalLong.of(YamlValues.scalar(scalar).longValue());
      } catch (IllegalArgumentException e) {
        // fall through to the message below
      }
    }
    problems.at(
        entry.value(),
        entry.path(),
        "'" + entry.key() + "' must be a whole number, not " + article(entry.value()));
    return OptionalLong.empty();
  }

  static OptionalDouble number(YamlMaps.Entry entry, Problems problems) {
    if (entry.value() instanceof ScalarNode scalar
        && (scalar.getTag().equals(Tag.INT) || scalar.getTag().equals(Tag.FLOAT))) {
      try {
        return OptionalDouble.of(YamlValues.scalar(scalar).doubleValue());
      } catch (IllegalArgumentException e) {
        problems.at(scalar, entry.path(), e.getMessage());
        return OptionalDouble.empty();
      }
    }
    problems.at(
        entry.value(),
        entry.path(),
        "'" + entry.key() + "' must be a number, not " + article(entry.value()));
    return OptionalDouble.empty();
  }

  static Optional<Duration> duration(YamlMaps.Entry entry, Problems problems) {
    if (entry.value() instanceof ScalarNode scalar && !scalar.getTag().equals(Tag.NULL)) {
      try {
        return Optional.of(Durations.parse(scalar.getValue()));
      } catch (IllegalArgumentException e) {
        problems.at(scalar, entry.path(), e.getMessage());
        return Optional.empty();
      }
    }
    problems.at(
        entry.value(),
        entry.path(),
        "'"
            + entry.key()
            + "' must be a duration such as 200ms, 2s, 1m or 1h, not "
            + article(entry.value()));
    return Optional.empty();
  }

  static OptionalLong size(YamlMaps.Entry entry, Problems problems) {
    if (entry.value() instanceof ScalarNode scalar && !scalar.getTag().equals(Tag.NULL)) {
      try {
        return OptionalLong.of(Sizes.parse(scalar.getValue()));
      } catch (IllegalArgumentException e) {
        problems.at(scalar, entry.path(), e.getMessage());
        return OptionalLong.empty();
      }
    }
    problems.at(
        entry.value(),
        entry.path(),
        "'" + entry.key() + "' must be a size such as 32MiB, not " + article(entry.value()));
    return OptionalLong.empty();
  }

  /** "a mapping", "a list", "empty", "text", or the value itself (1.5, true), for messages. */
  static String article(Node node) {
    String kind = YamlValues.kindOf(node);
    return switch (kind) {
      case "mapping", "list" -> "a " + kind;
      case "null" -> "empty";
      case "text" -> "text";
      default -> ((ScalarNode) node).getValue();
    };
  }
}
