package dev.taproot.definition;

import java.time.Duration;
import java.util.Objects;

/**
 * How often, and how long apart, an execution is attempted.
 *
 * @param maxAttempts attempts in all, the first one included
 * @param backoff wait before the second attempt
 * @param multiplier growth of the wait from one retry to the next
 * @param maxBackoff cap on the wait
 */
public record RetryPolicy(
    int maxAttempts, Duration backoff, double multiplier, Duration maxBackoff) {

  public static final RetryPolicy DEFAULT =
      new RetryPolicy(1, Duration.ofSeconds(1), 2, Duration.ofSeconds(30));

  public RetryPolicy {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1: " + maxAttempts);
    }
    requirePositive(backoff, "backoff");
    requirePositive(maxBackoff, "maxBackoff");
    if (!(multiplier >= 1) || Double.isInfinite(multiplier)) {
      throw new IllegalArgumentException("multiplier must be a number >= 1: " + multiplier);
    }
    if (maxBackoff.compareTo(backoff) < 0) {
      throw new IllegalArgumentException("maxBackoff " + maxBackoff + " < backoff " + backoff);
    }
  }

  private static void requirePositive(Duration duration, String name) {
    Objects.requireNonNull(duration, name);
    if (duration.isNegative() || duration.isZero()) {
      throw new IllegalArgumentException(name + " must be positive: " + duration);
    }
  }

  /**
   * The wait before attempt {@code attempt} (1-based): none before the first, {@code backoff}
   * before the second, then {@code multiplier} times more each time, never above {@code
   * maxBackoff}.
   */
  public Duration delayBeforeAttempt(int attempt) {
    if (attempt < 1) {
      throw new IllegalArgumentException("attempts count from 1: " + attempt);
    }
    if (attempt == 1) {
      return Duration.ZERO;
    }
    double nanos = backoff.toNanos() * Math.pow(multiplier, attempt - 2);
    // Compare as doubles first: the product overflows a long long before it matters here.
    if (nanos >= maxBackoff.toNanos()) {
      return maxBackoff;
    }
    return Duration.ofNanos((long) nanos);
  }
}
