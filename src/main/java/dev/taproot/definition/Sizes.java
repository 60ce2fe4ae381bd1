package dev.taproot.definition;

import java.math.BigInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads byte sizes such as {@code 512KiB}, {@code 32MiB}, {@code 1GiB} or {@code 1048576}. */
final class Sizes {

  private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(B|KiB|MiB|GiB)?");

  private Sizes() {}

  /**
   * @throws IllegalArgumentException with a message for the user
   */
  static long parse(String text) {
    Matcher matcher = SIZE.matcher(text.strip());
    if (!matcher.matches()) {
      throw new IllegalArgumentException(
          "bad size '"
              + text
              + "': use a whole number of bytes or one with KiB, MiB or GiB, e.g. 32MiB"
              + hint(text));
    }
    int shift =
        matcher.group(2) == null
            ? 0
            : switch (matcher.group(2)) {
              case "KiB" -> 10;
              case "MiB" -> 20;
              case "GiB" -> 30;
              default -> 0;
            };
    BigInteger bytes = new BigInteger(matcher.group(1)).shiftLeft(shift);
    if (bytes.signum() == 0) {
      throw new IllegalArgumentException("bad size '" + text + "': it must be more than zero");
    }
    if (bytes.bitLength() > 62) {
      throw new IllegalArgumentException("bad size '" + text + "': it is too large");
    }
    return bytes.longValue();
  }

  private static String hint(String text) {
    // Decimal units are a common slip; they would silently mean something else, so say so.
    return text.matches("\\s*\\d+\\s*[kKmMgG][bB]?\\s*")
        ? " (sizes are binary: write MiB, not MB)"
        : "";
  }
}
