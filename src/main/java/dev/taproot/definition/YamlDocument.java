package dev.taproot.definition;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.composer.Composer;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.parser.ParserImpl;
import org.yaml.snakeyaml.reader.StreamReader;

/**
 * Composes YAML text into a node tree (not Java objects), so that every value keeps its line and
 * column and nothing is lost to duplicate keys before we can report them.
 */
final class YamlDocument {

  private YamlDocument() {}

  /**
   * The root node, or null for an empty document; YAML syntax errors are reported at the spot the
   * parser stopped.
   */
  static Node compose(String text, Problems problems) {
    LoaderOptions options = new LoaderOptions();
    options.setAllowDuplicateKeys(true); // we report them ourselves, with both lines
    try {
      Composer composer =
          new Composer(
              new ParserImpl(new StreamReader(text), options), new CoreSchemaResolver(), options);
      Node root = composer.getSingleNode();
      if (root != null && isRecursive(root, Collections.newSetFromMap(new IdentityHashMap<>()))) {
        problems.at(root, "", "a YAML alias refers to a node that contains it: remove the loop");
        return null;
      }
      return root;
    } catch (MarkedYAMLException e) {
      String problem = e.getProblem() == null ? e.getMessage() : e.getProblem();
      String context = e.getContext() == null ? "" : " (" + e.getContext() + ")";
      if (e.getProblemMark() != null) {
        problems.at(
            e.getProblemMark(), "", "YAML syntax error: " + problem + context + hint(text, e));
      } else {
        problems.at(1, 1, "", "YAML syntax error: " + problem + context);
      }
      return null;
    } catch (YAMLException e) {
      problems.at(1, 1, "", "the YAML cannot be read: " + e.getMessage());
      return null;
    }
  }

  /** The commonest slip: ${{ }} unquoted inside { } or [ ], where braces are YAML syntax. */
  private static String hint(String text, MarkedYAMLException e) {
    String context = e.getContext() == null ? "" : e.getContext();
    int line = e.getProblemMark().getLine();
    String[] lines = text.split("\\R", -1);
    boolean expressionOnLine = line < lines.length && lines[line].contains("${{");
    if (context.contains("flow") && expressionOnLine) {
      return "; inside { } or [ ], quote expressions: \"${{ input.x }}\"";
    }
    return "";
  }

  /** Aliases make the tree a graph; a node that contains itself would make every walk endless. */
  private static boolean isRecursive(Node node, Set<Node> path) {
    if (!path.add(node)) {
      return true;
    }
    boolean recursive = false;
    if (node instanceof MappingNode mapping) {
      for (NodeTuple tuple : mapping.getValue()) {
        recursive |=
            isRecursive(tuple.getKeyNode(), path) || isRecursive(tuple.getValueNode(), path);
      }
    } else if (node instanceof SequenceNode sequence) {
      for (Node element : sequence.getValue()) {
        recursive |= isRecursive(element, path);
      }
    }
    path.remove(node);
    return recursive;
  }
}
