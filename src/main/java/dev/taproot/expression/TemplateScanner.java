package dev.taproot.expression;

import java.util.ArrayList;
import java.util.List;

/** Splits a string into literal text and the sources of its {@code ${{ }}} expressions. */
final class TemplateScanner {

  static final String OPEN = "${{";
  static final String CLOSE = "}}";

  /** A piece of the string: text, or an expression's source and where that source starts. */
  sealed interface Segment permits Text, Source {}

  record Text(String text) implements Segment {}

  /**
   * @param source the expression, trimmed
   * @param offset code-point offset of the trimmed source within the scanned string
   */
  record Source(String source, int offset) implements Segment {}

  private TemplateScanner() {}

  static boolean containsExpression(String text) {
    return text.contains(OPEN);
  }

  /**
   * @throws InvalidExpressionException for an unterminated {@code ${{}
   */
  static List<Segment> scan(String text) {
    List<Segment> segments = new ArrayList<>();
    int from = 0;
    while (from < text.length()) {
      int open = text.indexOf(OPEN, from);
      if (open < 0) {
        segments.add(new Text(text.substring(from)));
        break;
      }
      if (open > from) {
        segments.add(new Text(text.substring(from, open)));
      }
      int start = open + OPEN.length();
      int close = findClose(text, start);
      if (close < 0) {
        throw new InvalidExpressionException(
            List.of(
                new InvalidExpressionException.Issue(
                    text.codePointCount(0, open),
                    "'${{' at column "
                        + (text.codePointCount(0, open) + 1)
                        + " is never closed: end the expression with '}}'")));
      }
      String inner = text.substring(start, close);
      int lead = inner.length() - inner.stripLeading().length();
      segments.add(new Source(inner.strip(), text.codePointCount(0, start + lead)));
      from = close + CLOSE.length();
    }
    return segments;
  }

  /**
   * The index of the "}}" that ends an expression starting at {@code start}, skipping braces of CEL
   * map literals and anything inside CEL string literals; -1 when there is none.
   */
  private static int findClose(String text, int start) {
    int depth = 0;
    char quote = 0;
    for (int i = start; i < text.length(); i++) {
      char c = text.charAt(i);
      if (quote != 0) {
        if (c == '\\') {
          i++;
        } else if (c == quote) {
          quote = 0;
        }
      } else if (c == '\'' || c == '"') {
        quote = c;
      } else if (c == '{') {
        depth++;
      } else if (c == '}') {
        if (depth == 0 && text.startsWith(CLOSE, i)) {
          return i;
        }
        depth = Math.max(0, depth - 1);
      }
    }
    return -1;
  }
}
