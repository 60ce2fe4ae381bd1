package dev.taproot.function.runtime;

import static dev.taproot.function.runtime.TestModules.input;
import static dev.taproot.function.runtime.WasmRuntimeTest.failed;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.taproot.function.FailureCode;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** An interrupt from outside (a cancelled run) stops the guest and stays the caller's. */
class CancellationTest {

  private static WasmRuntime runtime;
  private static ScheduledExecutorService interrupter;

  @BeforeAll
  static void start() {
    runtime = new WasmRuntime();
    interrupter = Executors.newSingleThreadScheduledExecutor();
  }

  @AfterAll
  static void stop() {
    interrupter.shutdownNow();
    runtime.close();
  }

  @AfterEach
  void clearInterrupt() {
    Thread.interrupted();
  }

  @Test
  void interruptingTheThreadCancelsAndKeepsTheFlag() {
    Thread caller = Thread.currentThread();
    interrupter.schedule(caller::interrupt, 200, TimeUnit.MILLISECONDS);
    long start = System.nanoTime();
    // The default 30 s timeout is far away: only the interrupt can end this.
    failed(
        runtime.execute(TestModules.compile(runtime, "loop"), input("{}")), FailureCode.CANCELLED);
    assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5));
    assertTrue(Thread.currentThread().isInterrupted(), "the caller's interrupt must survive");
  }

  @Test
  void interruptingASleepingGuestCancels() {
    interrupter.schedule(Thread.currentThread()::interrupt, 200, TimeUnit.MILLISECONDS);
    failed(
        runtime.execute(TestModules.compile(runtime, "sleep"), input("{}")), FailureCode.CANCELLED);
    assertTrue(Thread.currentThread().isInterrupted());
  }

  @Test
  void anInterruptedThreadDoesNotStartTheGuest() {
    Thread.currentThread().interrupt();
    ExecutionResult.Failed failed =
        failed(
            runtime.execute(TestModules.compile(runtime, "echo-wat"), input("{}")),
            FailureCode.CANCELLED);
    assertTrue(failed.message().contains("before the function started"), failed.message());
    assertTrue(Thread.currentThread().isInterrupted());
  }
}
