package dev.taproot.function.runtime;

import static dev.taproot.function.runtime.TestModules.input;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.taproot.function.FailureCode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** One compiled function serves many threads at once, each execution in its own instance. */
class ConcurrencyTest {

  private static final int THREADS = 8;
  private static final int CALLS = 40;

  private static WasmRuntime runtime;
  private static ExecutorService pool;

  @BeforeAll
  static void start() {
    runtime = new WasmRuntime();
    pool = Executors.newFixedThreadPool(THREADS + 1);
  }

  @AfterAll
  static void stop() throws InterruptedException {
    pool.shutdownNow();
    pool.awaitTermination(10, TimeUnit.SECONDS);
    runtime.close();
  }

  @Test
  void concurrentCallsOnOneFunctionAllSucceed() throws Exception {
    CompiledFunction echo = TestModules.compile(runtime, "echo-wat");
    CompiledFunction counter = TestModules.compile(runtime, "counter");
    CountDownLatch go = new CountDownLatch(1);
    List<Future<Integer>> workers = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      int thread = t;
      workers.add(
          pool.submit(
              () -> {
                go.await();
                for (int i = 0; i < CALLS; i++) {
                  String json = "{\"thread\":" + thread + ",\"call\":" + i + "}";
                  ExecutionResult.Succeeded echoed = succeeded(runtime.execute(echo, input(json)));
                  assertArrayEquals(json.getBytes(UTF_8), echoed.outputBytes());
                  ExecutionResult.Succeeded counted =
                      succeeded(runtime.execute(counter, input("{}")));
                  assertEquals("{\"calls\": 1}\n", new String(counted.outputBytes(), UTF_8));
                }
                return CALLS;
              }));
    }
    go.countDown();
    int total = 0;
    for (Future<Integer> worker : workers) {
      total += worker.get(60, TimeUnit.SECONDS);
    }
    assertEquals(THREADS * CALLS, total);
  }

  @Test
  void aTimeoutOnOneThreadLeavesTheOthersAlone() throws Exception {
    CompiledFunction loop = TestModules.compile(runtime, "loop");
    CompiledFunction clockrand = TestModules.compile(runtime, "clockrand");
    byte[] expected = succeeded(runtime.execute(clockrand, input("{}"))).outputBytes();

    Limits shortTimeout = Limits.DEFAULTS.withTimeout(Duration.ofMillis(400));
    Future<ExecutionResult> looping =
        pool.submit(() -> runtime.execute(loop, input("{}", shortTimeout)));
    List<Future<byte[]>> others = new ArrayList<>();
    for (int t = 0; t < THREADS - 1; t++) {
      Callable<byte[]> calls =
          () -> {
            byte[] last = null;
            for (int i = 0; i < CALLS; i++) {
              last = succeeded(runtime.execute(clockrand, input("{}"))).outputBytes();
              assertArrayEquals(expected, last);
            }
            return last;
          };
      others.add(pool.submit(calls));
    }
    ExecutionResult.Failed timedOut =
        assertInstanceOf(ExecutionResult.Failed.class, looping.get(10, TimeUnit.SECONDS));
    assertEquals(FailureCode.TIMEOUT, timedOut.code(), timedOut::message);
    for (Future<byte[]> other : others) {
      assertArrayEquals(expected, other.get(60, TimeUnit.SECONDS));
    }
  }

  private static ExecutionResult.Succeeded succeeded(ExecutionResult result) {
    assertTrue(result instanceof ExecutionResult.Succeeded, () -> "expected success: " + result);
    return (ExecutionResult.Succeeded) result;
  }
}
