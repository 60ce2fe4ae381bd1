package dev.taproot.function.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Uploaded bytes are untrusted. Whatever they are, inspect() either accepts them or says why not
 * with an InvalidModuleException, and whatever an accepted module does, execute() returns a result:
 * no other exception may escape.
 */
class CorruptModuleTest {

  private static final Limits QUICK =
      new Limits(16 * 1024 * 1024, Duration.ofMillis(200), 64 * 1024);

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
  void everyTruncationIsRejectedCleanly() {
    byte[] wasm = TestModules.bytes("counter");
    for (int length = 0; length < wasm.length; length++) {
      assertRejectedOrRuns(Arrays.copyOf(wasm, length), "truncated to " + length);
    }
  }

  @Test
  void flippedBytesAreRejectedOrRunSafely() {
    Random random = new Random(Long.getLong("seed", 11));
    int accepted = 0;
    for (String name : new String[] {"counter", "echo-wat", "exit3", "growsoft", "membomb"}) {
      byte[] original = TestModules.bytes(name);
      for (int i = 0; i < Integer.getInteger("flips", 150); i++) {
        byte[] wasm = original.clone();
        int flips = 1 + random.nextInt(3);
        for (int f = 0; f < flips; f++) {
          wasm[8 + random.nextInt(wasm.length - 8)] = (byte) random.nextInt(256);
        }
        if (assertRejectedOrRuns(wasm, name + " flip " + i)) {
          accepted++;
        }
      }
    }
    // Some corruptions (in data or constants) keep the module valid: those ran too.
    assertTrue(accepted > 0, "expected some corrupted modules to stay valid");
  }

  /** Returns whether the module was accepted (and then ran without an exception). */
  private static boolean assertRejectedOrRuns(byte[] wasm, String what) {
    try {
      runtime.inspect(wasm);
    } catch (InvalidModuleException e) {
      assertNotNull(e.getMessage(), what);
      assertTrue(!e.getMessage().isBlank(), what);
      return false;
    } catch (RuntimeException e) {
      throw new AssertionError(what + ": inspect threw " + e, e);
    }
    CompiledFunction function;
    try {
      function = runtime.compile(WasmRuntime.digestOf(wasm), wasm);
    } catch (InvalidModuleException e) {
      return false;
    }
    ExecutionResult result = runtime.execute(function, TestModules.input("{}", QUICK));
    assertNotNull(result, what);
    if (result instanceof ExecutionResult.Failed failed) {
      assertTrue(failed.code() != dev.taproot.function.FailureCode.INTERNAL, what + ": " + failed);
    }
    assertEquals(false, Thread.currentThread().isInterrupted(), what);
    return true;
  }
}
