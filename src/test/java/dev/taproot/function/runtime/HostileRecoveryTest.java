package dev.taproot.function.runtime;

import static dev.taproot.function.runtime.TestModules.input;
import static dev.taproot.function.runtime.WasmRuntimeTest.failed;
import static dev.taproot.function.runtime.WasmRuntimeTest.succeeded;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.taproot.function.FailureCode;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A misbehaving guest must leave nothing behind: the next execution on the same runtime and the
 * same thread runs normally, and no interrupt is left pending on the thread.
 */
class HostileRecoveryTest {

  private static final Limits TIGHT =
      new Limits(16 * 1024 * 1024, Duration.ofSeconds(10), 1024 * 1024);

  private static WasmRuntime runtime;

  @BeforeAll
  static void start() {
    runtime = new WasmRuntime();
  }

  @AfterAll
  static void stop() {
    runtime.close();
  }

  // The timeouts are short only where a timeout is the point: the interpreter needs seconds to
  // fill 16 MiB.
  @ParameterizedTest(name = "{0} ({2}) then a normal call")
  @CsvSource({
    "loop, TIMEOUT, compiled, 300",
    "loop, TIMEOUT, interpreted, 300",
    "sleep, TIMEOUT, compiled, 300",
    "membomb, MEMORY_LIMIT, compiled, 10000",
    "membomb, MEMORY_LIMIT, interpreted, 10000",
    "bigmem, MEMORY_LIMIT, compiled, 10000",
    "bigout, OUTPUT_LIMIT, compiled, 10000",
    "bigout, OUTPUT_LIMIT, interpreted, 10000",
    "notjson, BAD_OUTPUT, compiled, 10000",
    "trap, TRAP, compiled, 10000",
    "trap, TRAP, interpreted, 10000",
    "exit3, EXIT, compiled, 10000",
  })
  void normalCallSucceedsAfterHostileOne(
      String module, FailureCode expected, String engine, long timeoutMillis) throws Exception {
    Limits limits = TIGHT.withTimeout(Duration.ofMillis(timeoutMillis));
    failed(runtime.execute(function(module, engine), input("{}", limits)), expected);
    assertFalse(Thread.currentThread().isInterrupted(), "no interrupt may be left pending");

    ExecutionResult.Succeeded normal =
        succeeded(runtime.execute(function("echo-wat", engine), input("{\"after\": 1}", TIGHT)));
    assertEquals(new ObjectMapper().readTree("{\"after\": 1}"), normal.output());
  }

  @Test
  void aTimeoutCannotInterruptTheThreadLater() throws Exception {
    Limits shortTimeout = Limits.DEFAULTS.withTimeout(Duration.ofMillis(50));
    for (int i = 0; i < 20; i++) {
      failed(
          runtime.execute(function("loop", "compiled"), input("{}", shortTimeout)),
          FailureCode.TIMEOUT);
    }
    // Any interrupt still on its way would land during this sleep and throw.
    TimeUnit.MILLISECONDS.sleep(200);
    assertFalse(Thread.currentThread().isInterrupted());
  }

  private static CompiledFunction function(String module, String engine) throws Exception {
    if (engine.equals("interpreted")) {
      byte[] wasm = TestModules.bytes(module);
      return runtime.interpret(WasmRuntime.digestOf(wasm), wasm);
    }
    return TestModules.compile(runtime, module);
  }
}
