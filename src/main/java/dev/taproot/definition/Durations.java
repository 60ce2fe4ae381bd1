package dev.taproot.definition;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads durations such as {@code 200ms}, {@code 2s}, {@code 1.5m}, {@code 1h}. */
final class Durations {

  private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h)");

  private Durations() {}

  /**
   * @throws IllegalArgumentException with a message for the user
   */
  static Duration parse(String text) {
    Matcher matcher = DURATION.matcher(text.strip());
    if (!matcher.matches()) {
      throw new IllegalArgumentException(
          "bad duration '" + text + "': use a number with ms, s, m or h, e.g. 200ms");
    }
    BigDecimal nanosPerUnit =
        BigDecimal.valueOf(
            switch (matcher.group(2)) {
              case "ms" -> 1_000_000L;
              case "s" -> 1_000_000_000L;
              case "m" -> 60_000_000_000L;
              default -> 3_600_000_000_000L;
            });
    BigDecimal nanos = new BigDecimal(matcher.group(1)).multiply(nanosPerUnit);
    if (nanos.signum() == 0) {
      throw new IllegalArgumentException(
          "bad duration '" + text + "': it must be more than zero, e.g. 200ms");
    }
    if (nanos.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
      throw new IllegalArgumentException("bad duration '" + text + "': it is too long");
    }
    return Duration.ofNanos(nanos.longValue());
  }
}
