package dev.taproot.definition;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;

/** Collects every error of one parse, so that the user sees them all at once. */
final class Problems {

  // A set: a node shared through a YAML alias would otherwise report the same error twice.
  private final Set<DefinitionError> errors = new LinkedHashSet<>();

  void at(Node node, String path, String message) {
    at(node.getStartMark(), path, message);
  }

  void at(Mark mark, String path, String message) {
    errors.add(new DefinitionError(mark.getLine() + 1, mark.getColumn() + 1, path, message));
  }

  void at(int line, int column, String path, String message) {
    errors.add(new DefinitionError(line, column, path, message));
  }

  /**
   * An error at a code-point offset inside a scalar's value, such as a spot in an expression. Exact
   * for plain and quoted scalars on one line (escapes aside); for block and multi-line scalars,
   * whose value does not map column for column onto the text, the scalar's start.
   */
  void inScalar(ScalarNode node, int offset, String path, String message) {
    Mark start = node.getStartMark();
    boolean oneLine = node.getEndMark().getLine() == start.getLine();
    DumperOptions.ScalarStyle style = node.getScalarStyle();
    if (offset < 0 || !oneLine) {
      at(node, path, message);
    } else if (style == DumperOptions.ScalarStyle.PLAIN) {
      at(start.getLine() + 1, start.getColumn() + 1 + offset, path, message);
    } else if (style == DumperOptions.ScalarStyle.SINGLE_QUOTED
        || style == DumperOptions.ScalarStyle.DOUBLE_QUOTED) {
      at(start.getLine() + 1, start.getColumn() + 2 + offset, path, message);
    } else {
      at(node, path, message);
    }
  }

  /** How many distinct errors so far; compare before and after reading a part. */
  int count() {
    return errors.size();
  }

  boolean isEmpty() {
    return errors.isEmpty();
  }

  List<DefinitionError> all() {
    return errors.stream().sorted(DefinitionError.BY_POSITION).toList();
  }
}
