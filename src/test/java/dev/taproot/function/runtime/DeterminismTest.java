package dev.taproot.function.runtime;

import static dev.taproot.function.runtime.TestModules.input;
import static dev.taproot.function.runtime.WasmRuntimeTest.succeeded;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Same module, input, clock and seed: same bytes. That is what makes a replay exact. */
class DeterminismTest {

  private static WasmRuntime runtime;
  private static CompiledFunction clockrand;

  @BeforeAll
  static void start() {
    runtime = new WasmRuntime();
    clockrand = TestModules.compile(runtime, "clockrand");
  }

  @AfterAll
  static void stop() {
    runtime.close();
  }

  @Test
  void sameClockAndSeedGiveIdenticalBytes() {
    byte[] first = run(input("{}"));
    byte[] second = run(input("{}"));
    assertArrayEquals(first, second);
  }

  @Test
  void clocksStartAtTheRecordedTimeAndMoveForward() {
    JsonNode out = succeeded(runtime.execute(clockrand, input("{}"))).output();
    long start = TestModules.CLOCK.getEpochSecond() * 1_000_000_000L;
    assertEquals(start, out.get("realtime").asLong());
    assertTrue(out.get("monotonic").asLong() > out.get("realtime").asLong());
    assertTrue(out.get("realtime2").asLong() > out.get("monotonic").asLong());
  }

  @Test
  void anotherSeedGivesOtherRandomBytesButTheSameTime() {
    JsonNode seeded42 = succeeded(runtime.execute(clockrand, input("{}"))).output();
    JsonNode seeded43 = succeeded(runtime.execute(clockrand, input("{}").withSeed(43))).output();
    assertNotEquals(seeded42.get("random"), seeded43.get("random"));
    assertEquals(seeded42.get("realtime"), seeded43.get("realtime"));
  }

  @Test
  void anotherClockGivesAnotherTime() {
    Invocation later =
        new Invocation(
            "{}".getBytes(java.nio.charset.StandardCharsets.UTF_8),
            java.util.Map.of(),
            Instant.parse("2031-01-01T00:00:00Z"),
            TestModules.SEED,
            Limits.DEFAULTS);
    JsonNode now = succeeded(runtime.execute(clockrand, input("{}"))).output();
    JsonNode then = succeeded(runtime.execute(clockrand, later)).output();
    assertNotEquals(now.get("realtime"), then.get("realtime"));
    assertEquals(now.get("random"), then.get("random"));
  }

  @Test
  void interpreterAndCompilerPrintTheSameBytes() throws Exception {
    byte[] wasm = TestModules.bytes("clockrand");
    CompiledFunction interpreted = runtime.interpret(WasmRuntime.digestOf(wasm), wasm);
    assertArrayEquals(
        run(input("{}")), succeeded(runtime.execute(interpreted, input("{}"))).outputBytes());
  }

  private static byte[] run(Invocation invocation) {
    return succeeded(runtime.execute(clockrand, invocation)).outputBytes();
  }
}
