package dev.taproot.definition;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ValueParsersTest {

  @Test
  void durationsHaveUnits() {
    assertEquals(Duration.ofMillis(200), Durations.parse("200ms"));
    assertEquals(Duration.ofSeconds(2), Durations.parse("2s"));
    assertEquals(Duration.ofMillis(1500), Durations.parse("1.5s"));
    assertEquals(Duration.ofMinutes(3), Durations.parse("3m"));
    assertEquals(Duration.ofHours(1), Durations.parse("1h"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"2x", "30", "", "-1s", "1 s", "s", "1.s", "1d", "PT1S"})
  void badDurationsSayWhatToWrite(String text) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Durations.parse(text));
    assertEquals(
        "bad duration '" + text + "': use a number with ms, s, m or h, e.g. 200ms", e.getMessage());
  }

  @Test
  void aDurationMustBePositive() {
    assertEquals(
        "bad duration '0ms': it must be more than zero, e.g. 200ms",
        assertThrows(IllegalArgumentException.class, () -> Durations.parse("0ms")).getMessage());
  }

  @Test
  void sizesAreBytesOrBinaryUnits() {
    assertEquals(1024, Sizes.parse("1KiB"));
    assertEquals(512L * 1024, Sizes.parse("512KiB"));
    assertEquals(32L << 20, Sizes.parse("32MiB"));
    assertEquals(1L << 30, Sizes.parse("1GiB"));
    assertEquals(1048576, Sizes.parse("1048576"));
    assertEquals(100, Sizes.parse("100B"));
  }

  @Test
  void decimalUnitsAreCalledOut() {
    assertEquals(
        "bad size '32MB': use a whole number of bytes or one with KiB, MiB or GiB, e.g. 32MiB"
            + " (sizes are binary: write MiB, not MB)",
        assertThrows(IllegalArgumentException.class, () -> Sizes.parse("32MB")).getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"1.5MiB", "-1", "lots", "1TiB", "MiB"})
  void badSizes(String text) {
    assertThrows(IllegalArgumentException.class, () -> Sizes.parse(text));
  }

  @Test
  void sizesMustBePositiveAndSane() {
    assertThrows(IllegalArgumentException.class, () -> Sizes.parse("0"));
    assertThrows(IllegalArgumentException.class, () -> Sizes.parse("99999999999999GiB"));
  }
}
