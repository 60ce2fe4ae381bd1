package dev.taproot.function.runtime;

import static dev.taproot.function.runtime.TestModules.input;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.taproot.function.FailureCode;
import dev.taproot.function.runtime.ExecutionResult.Failed;
import dev.taproot.function.runtime.ExecutionResult.Succeeded;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The wasi ABI end to end: what a well-behaved and a misbehaving guest get back. */
class WasmRuntimeTest {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static WasmRuntime runtime;

  @BeforeAll
  static void start() {
    runtime = new WasmRuntime();
  }

  @AfterAll
  static void stop() {
    runtime.close();
  }

  @Test
  void jsonInJsonOut() throws Exception {
    String json = "{\"order\": {\"id\": 17, \"lines\": [1, 2.5, \"x\"]}, \"ok\": true}";
    Succeeded result = succeeded(run("echo-wat", input(json)));
    assertEquals(MAPPER.readTree(json), result.output());
    assertArrayEquals(json.getBytes(UTF_8), result.outputBytes());
    assertEquals("", result.logs());
  }

  @Test
  void largeInputRoundTrips() throws Exception {
    String json = "[" + "\"abcdefghij\",".repeat(50_000) + "0]";
    Succeeded result = succeeded(run("echo-wat", input(json)));
    assertEquals(MAPPER.readTree(json), result.output());
  }

  @Test
  void trapIsTrapWithItsMessage() {
    Failed failed = failed(run("trap", input("{}")), FailureCode.TRAP);
    assertTrue(failed.message().contains("unreachable"), failed.message());
  }

  @Test
  void nonZeroExitIsExitWithStderr() {
    Failed failed = failed(run("exit3", input("{}")), FailureCode.EXIT);
    assertTrue(failed.message().startsWith("exited with code 3"), failed.message());
    assertTrue(failed.message().contains("something went wrong"), failed.message());
    assertEquals("something went wrong\n", failed.logs());
  }

  @Test
  void textOnStdoutIsBadOutputQuotingIt() {
    Failed failed = failed(run("notjson", input("{}")), FailureCode.BAD_OUTPUT);
    assertTrue(failed.message().contains("\"hello, not json\\n\""), failed.message());
  }

  @Test
  void eachExecutionGetsAFreshInstance() throws Exception {
    CompiledFunction counter = TestModules.compile(runtime, "counter");
    for (int i = 0; i < 2; i++) {
      Succeeded result = succeeded(runtime.execute(counter, input("{}")));
      assertEquals(MAPPER.readTree("{\"calls\": 1}"), result.output());
    }
  }

  @Test
  void endlessLoopTimesOutOnTime() {
    Limits limits = Limits.DEFAULTS.withTimeout(Duration.ofMillis(500));
    long start = System.nanoTime();
    Failed failed = failed(run("loop", input("{}", limits)), FailureCode.TIMEOUT);
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertTrue(took.compareTo(Duration.ofMillis(1500)) < 0, "took " + took);
    assertTrue(failed.elapsed().compareTo(Duration.ofMillis(500)) >= 0, "" + failed.elapsed());
    assertTrue(failed.message().contains("500 ms"), failed.message());
    assertFalse(Thread.currentThread().isInterrupted(), "the timeout's interrupt must be cleared");
  }

  @Test
  void guestBlockedInSleepTimesOut() {
    Limits limits = Limits.DEFAULTS.withTimeout(Duration.ofMillis(300));
    long start = System.nanoTime();
    failed(run("sleep", input("{}", limits)), FailureCode.TIMEOUT);
    assertTrue(System.nanoTime() - start < Duration.ofMillis(1300).toNanos());
    assertFalse(Thread.currentThread().isInterrupted());
  }

  @Test
  void mallocFailingAtTheLimitIsMemoryLimit() {
    Limits limits = Limits.DEFAULTS.withMemoryBytes(16 * 1024 * 1024);
    Failed failed = failed(run("membomb", input("{}", limits)), FailureCode.MEMORY_LIMIT);
    assertTrue(failed.message().contains("16 MiB"), failed.message());
    assertTrue(failed.logs().contains("membomb: out of memory"), failed.logs());
  }

  @Test
  void initialMemoryOverTheLimitIsMemoryLimit() {
    Limits limits = Limits.DEFAULTS.withMemoryBytes(16 * 1024 * 1024);
    Failed failed = failed(run("bigmem", input("{}", limits)), FailureCode.MEMORY_LIMIT);
    assertTrue(failed.message().contains("512 pages (32 MiB)"), failed.message());
    // With room for it, the same module runs.
    succeeded(run("bigmem", input("{}")));
  }

  @Test
  void refusedGrowThatTheGuestHandlesIsNoFailure() throws Exception {
    Limits limits = Limits.DEFAULTS.withMemoryBytes(16 * 1024 * 1024);
    Succeeded result = succeeded(run("growsoft", input("{}", limits)));
    assertEquals(MAPPER.readTree("{\"grew\": false}"), result.output());
    Succeeded roomy =
        succeeded(run("growsoft", input("{}", Limits.DEFAULTS.withMemoryBytes(256L << 20))));
    assertEquals(MAPPER.readTree("{\"grew\": true}"), roomy.output());
  }

  @Test
  void endlessStdoutIsOutputLimit() {
    Limits limits = Limits.DEFAULTS.withOutputBytes(1024 * 1024);
    long start = System.nanoTime();
    Failed failed = failed(run("bigout", input("{}", limits)), FailureCode.OUTPUT_LIMIT);
    assertTrue(failed.message().contains("1 MiB"), failed.message());
    assertTrue(System.nanoTime() - start < Duration.ofSeconds(5).toNanos(), "stopped promptly");
  }

  @Test
  void environmentIsExactlyTheDeclaredOne() throws Exception {
    Invocation invocation =
        input("{}").withEnv(java.util.Map.of("TAPROOT_STEP", "enrich", "CURRENCY", "EUR"));
    Succeeded result = succeeded(run("envdump", invocation));
    assertEquals(
        MAPPER.readTree(
            "{\"argc\": 1, \"argv0\": \"function\","
                + " \"env\": {\"CURRENCY\": \"EUR\", \"TAPROOT_STEP\": \"enrich\"}}"),
        result.output());
  }

  private static ExecutionResult run(String module, Invocation invocation) {
    return runtime.execute(TestModules.compile(runtime, module), invocation);
  }

  static Succeeded succeeded(ExecutionResult result) {
    return assertInstanceOf(Succeeded.class, result, () -> "expected success, got " + result);
  }

  static Failed failed(ExecutionResult result, FailureCode code) {
    Failed failed =
        assertInstanceOf(Failed.class, result, () -> "expected " + code + ", got " + result);
    assertEquals(code, failed.code(), failed::message);
    return failed;
  }
}
