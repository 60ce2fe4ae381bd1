package dev.taproot.definition;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * Rewrites the submitted text with each function ref replaced in place by its pinned form, so the
 * stored definition is the user's own text (comments, order, layout) with exact versions.
 */
final class PinnedText {

  /** A ref scalar and what replaces it. */
  record Replacement(ScalarNode node, String pinnedRef) {}

  // What may stand unquoted in both block and flow context.
  private static final Pattern PLAIN_SAFE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*@[0-9]+");

  private PinnedText() {}

  static String pin(String text, List<Replacement> replacements) {
    List<Replacement> backwards = new ArrayList<>(replacements);
    // From the end, so that earlier offsets stay valid; an alias shares its anchor's node, so
    // the same node can come twice.
    backwards.sort(
        Comparator.comparingInt((Replacement r) -> r.node().getStartMark().getIndex()).reversed());
    StringBuilder pinned = new StringBuilder(text);
    int lastStart = Integer.MAX_VALUE;
    for (Replacement replacement : backwards) {
      int start = replacement.node().getStartMark().getIndex();
      if (start == lastStart) {
        continue;
      }
      lastStart = start;
      // Marks count code points; StringBuilder counts chars.
      int from = text.offsetByCodePoints(0, start);
      int to = text.offsetByCodePoints(0, replacement.node().getEndMark().getIndex());
      // A block scalar (ref: |) owns the line break after it; the pinned plain one must not.
      String lineBreak = text.substring(from, to).replaceAll("^[\\s\\S]*?(\\R*)$", "$1");
      pinned.replace(valueStart(text, from, to), to, scalar(replacement.pinnedRef()) + lineBreak);
    }
    return pinned.toString();
  }

  /**
   * A node's span starts with its properties, an anchor (&name) and a tag (!tag), if written; those
   * stay, or an alias elsewhere would point at nothing.
   */
  private static int valueStart(String text, int from, int to) {
    int at = from;
    while (at < to && (text.charAt(at) == '&' || text.charAt(at) == '!')) {
      while (at < to && !Character.isWhitespace(text.charAt(at))) {
        at++;
      }
      while (at < to && Character.isWhitespace(text.charAt(at))) {
        at++;
      }
    }
    return at;
  }

  private static String scalar(String ref) {
    if (PLAIN_SAFE.matcher(ref).matches()) {
      return ref;
    }
    return "\"" + ref.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
