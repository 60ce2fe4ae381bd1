package dev.taproot.definition;

import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * Types plain scalars by the YAML 1.2 core schema (as JSON does) instead of SnakeYAML's YAML 1.1
 * defaults, under which {@code CURRENCY: NO} is false and {@code 2024-01-01} a timestamp.
 */
final class CoreSchemaResolver extends Resolver {

  static final Pattern BOOL = Pattern.compile("^(?:true|True|TRUE|false|False|FALSE)$");
  static final Pattern INT = Pattern.compile("^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$");
  static final Pattern FLOAT =
      Pattern.compile(
          "^(?:[-+]?(?:\\.[0-9]+|[0-9]+(?:\\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
              + "|[-+]?\\.(?:inf|Inf|INF)|\\.(?:nan|NaN|NAN))$");
  static final Pattern NULL = Pattern.compile("^(?:~|null|Null|NULL|)$");
  static final Pattern MERGE_KEY = Pattern.compile("^(?:<<)$");

  @Override
  protected void addImplicitResolvers() {
    addImplicitResolver(Tag.BOOL, BOOL, "tTfF");
    // INT before FLOAT: the float pattern also matches integers.
    addImplicitResolver(Tag.INT, INT, "-+0123456789");
    addImplicitResolver(Tag.FLOAT, FLOAT, "-+0123456789.");
    addImplicitResolver(Tag.NULL, NULL, "~nN\0");
    addImplicitResolver(Tag.NULL, NULL, null);
    addImplicitResolver(Tag.MERGE, MERGE_KEY, "<");
  }
}
