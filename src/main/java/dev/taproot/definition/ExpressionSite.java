package dev.taproot.definition;

import dev.taproot.expression.Reference;
import dev.taproot.expression.Template;
import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * Where an expression was written, so that checks made after the whole document is read (unknown
 * steps, item outside forEach…) can still point at the right line and column.
 *
 * @param owner the step the expression belongs to; null for the workflow's output
 * @param field input, forEach, when or output
 * @param path the YAML path of the scalar
 * @param node the scalar holding the expression
 * @param located the expression and its offset inside the scalar's value
 */
record ExpressionSite(
    String owner, String field, String path, ScalarNode node, Template.Located located) {

  /** Reports {@code message} at the spot where {@code reference} is written. */
  void report(Problems problems, Reference reference, String message) {
    int offset = located.expression().offsetOf(reference);
    problems.inScalar(
        node, offset < 0 ? located.offset() : located.offset() + offset, path, message);
  }
}
