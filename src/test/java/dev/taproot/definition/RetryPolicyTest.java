package dev.taproot.definition;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

  private static final RetryPolicy POLICY =
      new RetryPolicy(10, Duration.ofMillis(200), 2, Duration.ofSeconds(5));

  @Test
  void theFirstAttemptDoesNotWait() {
    assertEquals(Duration.ZERO, POLICY.delayBeforeAttempt(1));
  }

  @Test
  void waitsGrowByTheMultiplierUpToTheCap() {
    assertEquals(Duration.ofMillis(200), POLICY.delayBeforeAttempt(2));
    assertEquals(Duration.ofMillis(400), POLICY.delayBeforeAttempt(3));
    assertEquals(Duration.ofMillis(800), POLICY.delayBeforeAttempt(4));
    assertEquals(Duration.ofMillis(3200), POLICY.delayBeforeAttempt(6));
    assertEquals(Duration.ofSeconds(5), POLICY.delayBeforeAttempt(7));
    assertEquals(Duration.ofSeconds(5), POLICY.delayBeforeAttempt(10_000));
  }

  @Test
  void aMultiplierOfOneKeepsTheWaitConstant() {
    RetryPolicy constant = new RetryPolicy(5, Duration.ofSeconds(1), 1, Duration.ofSeconds(1));
    assertEquals(Duration.ofSeconds(1), constant.delayBeforeAttempt(5));
  }

  @Test
  void fractionalMultipliersWork() {
    RetryPolicy policy = new RetryPolicy(5, Duration.ofMillis(100), 1.5, Duration.ofSeconds(2));
    assertEquals(Duration.ofMillis(225), policy.delayBeforeAttempt(4));
  }

  @Test
  void badPoliciesAreRefused() {
    Duration s = Duration.ofSeconds(1);
    assertThrows(IllegalArgumentException.class, () -> new RetryPolicy(0, s, 2, s));
    assertThrows(IllegalArgumentException.class, () -> new RetryPolicy(1, Duration.ZERO, 2, s));
    assertThrows(IllegalArgumentException.class, () -> new RetryPolicy(1, s, 0.5, s));
    assertThrows(IllegalArgumentException.class, () -> new RetryPolicy(1, s, Double.NaN, s));
    assertThrows(IllegalArgumentException.class, () -> new RetryPolicy(1, s.multipliedBy(2), 2, s));
    assertThrows(IllegalArgumentException.class, () -> POLICY.delayBeforeAttempt(0));
  }
}
