package dev.taproot.definition;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Reads YAML mappings strictly: text keys only, no duplicates (SnakeYAML's composer keeps them all,
 * and a constructor would silently keep the last), no merge keys, and optionally a closed set of
 * fields.
 */
final class YamlMaps {

  /** One key of a mapping. */
  record Entry(String key, ScalarNode keyNode, Node value, String path) {}

  private YamlMaps() {}

  /** Every well-formed key, in order; the first of duplicates wins and the rest are errors. */
  static Map<String, Entry> entries(MappingNode mapping, String path, Problems problems) {
    Map<String, Entry> entries = new LinkedHashMap<>();
    for (NodeTuple tuple : mapping.getValue()) {
      if (!(tuple.getKeyNode() instanceof ScalarNode keyNode)) {
        problems.at(
            tuple.getKeyNode(),
            path,
            "a key must be plain text, not a " + YamlValues.kindOf(tuple.getKeyNode()));
        continue;
      }
      if (keyNode.getTag().equals(Tag.MERGE)) {
        problems.at(
            keyNode,
            path,
            "merge keys (<<) are not supported: write the fields out, or share a whole value"
                + " with an anchor (&name) and an alias (*name)");
        continue;
      }
      String key = keyNode.getValue();
      String entryPath = Paths.field(path, key);
      Entry first = entries.get(key);
      if (first != null) {
        problems.at(
            keyNode,
            entryPath,
            "duplicate key '"
                + key
                + "' (first at line "
                + (first.keyNode().getStartMark().getLine() + 1)
                + "): keep one of them");
        continue;
      }
      entries.put(key, new Entry(key, keyNode, tuple.getValueNode(), entryPath));
    }
    return entries;
  }

  /** {@link #entries}, and every key outside {@code allowed} is an error. */
  static Map<String, Entry> fields(
      MappingNode mapping, String path, Collection<String> allowed, Problems problems) {
    Map<String, Entry> entries = entries(mapping, path, problems);
    entries
        .values()
        .removeIf(
            entry -> {
              if (allowed.contains(entry.key())) {
                return false;
              }
              problems.at(
                  entry.keyNode(),
                  entry.path(),
                  "unknown field '"
                      + entry.key()
                      + "'"
                      + Suggestions.hint(entry.key(), allowed, "allowed"));
              return true;
            });
    return entries;
  }
}
