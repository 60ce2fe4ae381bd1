package dev.taproot.definition;

import java.util.regex.Pattern;

/** Builds the dotted paths errors carry, e.g. {@code steps.enrich.retry.backoff}. */
final class Paths {

  private static final Pattern PLAIN = Pattern.compile("[A-Za-z_$][A-Za-z0-9_$-]*");

  private Paths() {}

  static String field(String parent, String name) {
    String segment =
        PLAIN.matcher(name).matches() ? name : "[\"" + name.replace("\"", "\\\"") + "\"]";
    if (parent.isEmpty()) {
      return segment;
    }
    return segment.startsWith("[") ? parent + segment : parent + "." + segment;
  }

  static String index(String parent, int index) {
    return parent + "[" + index + "]";
  }
}
