package dev.taproot.definition;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Splits {@code <list>.filter(v, <predicate>)} (also chained) into the list and a condition on
 * {@code item}, so that a filtered forEach runs over the list itself, each element with the key and
 * lineage it has there, and an element the predicate rejects is skipped as by {@code when}. A
 * forEach over the filtered list instead would number the survivors 0, 1, 2… and lose which record
 * each one was.
 *
 * @param list the CEL source of the list being filtered
 * @param condition a CEL condition on {@code item}, every predicate in order
 */
record ForEachFilter(String list, String condition) {
  private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  private static final String FILTER = ".filter(";

  /** The split, or empty when the expression does not end in a top-level {@code .filter(v, p)}. */
  static Optional<ForEachFilter> of(String source) {
    String rest = source.strip();
    List<String> conditions = new ArrayList<>();
    while (true) {
      Optional<String[]> call = lastFilterCall(rest);
      if (call.isEmpty()) {
        break;
      }
      String[] parts = call.get();
      // [item].exists(v, p) is p with v bound to item, in CEL itself: no new variable to declare.
      conditions.add(0, "[item].exists(" + parts[1] + ", " + parts[2] + ")");
      rest = parts[0].strip();
    }
    if (conditions.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new ForEachFilter(rest, String.join(" && ", conditions)));
  }

  /** {list, variable, predicate} of a {@code .filter(v, p)} that closes at the very end. */
  private static Optional<String[]> lastFilterCall(String source) {
    if (!source.endsWith(")")) {
      return Optional.empty();
    }
    int[] depth = depths(source);
    int last = source.length() - 1;
    if (depth[last] != 1) {
      return Optional.empty();
    }
    // The call's opening parenthesis: the last one at depth 0 before the end.
    int open = -1;
    for (int i = last - 1; i >= 0 && open < 0; i--) {
      if (depth[i] == 0 && source.charAt(i) == '(') {
        open = i;
      }
    }
    if (open < 0 || !source.startsWith(FILTER, open - FILTER.length() + 1)) {
      return Optional.empty();
    }
    String list = source.substring(0, open - FILTER.length() + 1);
    String arguments = source.substring(open + 1, last);
    int[] argumentDepth = depths(arguments);
    int comma = -1;
    for (int i = 0; i < arguments.length() && comma < 0; i++) {
      if (argumentDepth[i] == 0 && arguments.charAt(i) == ',') {
        comma = i;
      }
    }
    if (list.isBlank() || comma < 0) {
      return Optional.empty();
    }
    String variable = arguments.substring(0, comma).strip();
    String predicate = arguments.substring(comma + 1).strip();
    if (!IDENTIFIER.matcher(variable).matches() || predicate.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new String[] {list, variable, predicate});
  }

  /**
   * For each character, how many brackets are open before it (a closing one counts as still open),
   * or -1 inside a string literal.
   */
  private static int[] depths(String source) {
    int[] out = new int[source.length()];
    int depth = 0;
    char quote = 0;
    for (int i = 0; i < source.length(); i++) {
      char c = source.charAt(i);
      if (quote != 0) {
        out[i] = -1;
        if (c == '\\' && i + 1 < source.length()) {
          out[++i] = -1;
        } else if (c == quote) {
          quote = 0;
        }
        continue;
      }
      if (c == '"' || c == '\'') {
        quote = c;
        out[i] = -1;
        continue;
      }
      if (c == ')' || c == ']' || c == '}') {
        out[i] = depth--;
      } else {
        out[i] = depth;
        if (c == '(' || c == '[' || c == '{') {
          depth++;
        }
      }
    }
    return out;
  }
}
