package dev.taproot.function.runtime;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ValuesTest {

  @Test
  void defaultLimitsAreTheSpecs() {
    assertEquals(64L * 1024 * 1024, Limits.DEFAULTS.memoryBytes());
    assertEquals(Duration.ofSeconds(30), Limits.DEFAULTS.timeout());
    assertEquals(4L * 1024 * 1024, Limits.DEFAULTS.outputBytes());
    assertEquals(1024, Limits.DEFAULTS.memoryPages());
  }

  @Test
  void limitsRefuseNonsense() {
    assertThrows(IllegalArgumentException.class, () -> Limits.DEFAULTS.withMemoryBytes(1000));
    assertThrows(IllegalArgumentException.class, () -> Limits.DEFAULTS.withMemoryBytes(5L << 30));
    assertThrows(IllegalArgumentException.class, () -> Limits.DEFAULTS.withTimeout(Duration.ZERO));
    assertThrows(IllegalArgumentException.class, () -> Limits.DEFAULTS.withOutputBytes(0));
    assertThrows(NullPointerException.class, () -> Limits.DEFAULTS.withTimeout(null));
  }

  @Test
  void environmentIsSortedWhateverTheMapOrder() {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("ZED", "1");
    env.put("ALPHA", "2");
    Invocation invocation =
        new Invocation("{}".getBytes(UTF_8), env, Instant.EPOCH, 1, Limits.DEFAULTS);
    assertEquals(List.of("ALPHA", "ZED"), List.copyOf(invocation.env().keySet()));
  }

  @Test
  void invocationRefusesWhatWasiCannotCarry() {
    byte[] in = "{}".getBytes(UTF_8);
    assertThrows(
        IllegalArgumentException.class,
        () -> new Invocation(in, Map.of("A=B", "x"), Instant.EPOCH, 1, Limits.DEFAULTS));
    assertThrows(
        IllegalArgumentException.class,
        () -> new Invocation(in, Map.of("A", "x\0y"), Instant.EPOCH, 1, Limits.DEFAULTS));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new Invocation(
                in, Map.of(), Instant.parse("1969-12-31T23:59:59Z"), 1, Limits.DEFAULTS));
  }
}
