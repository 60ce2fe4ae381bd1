package dev.taproot.function.runtime;

import com.dylibso.chicory.runtime.Instance;
import dev.taproot.function.FailureCode;
import dev.taproot.function.runtime.ExecutionResult.Failed;
import java.time.Duration;

/**
 * Runs one invocation of a compiled function in a fresh instance, under its limits. The instance
 * runs on the calling thread, so a caller that runs many executions in parallel decides the
 * parallelism; the instance never leaves this method, so nothing a guest leaves in its memory or
 * globals can reach another execution.
 */
final class FunctionExecutor {

  private final Watchdog watchdog;
  private final Verdicts verdicts;
  private final InstantiationObserver observer;
  private final MemoryMode memoryMode;
  private final ChunkPool chunks;

  FunctionExecutor(
      Watchdog watchdog,
      JsonOutput json,
      InstantiationObserver observer,
      MemoryMode memoryMode,
      ChunkPool chunks) {
    this.watchdog = watchdog;
    this.verdicts = new Verdicts(json);
    this.observer = observer;
    this.memoryMode = memoryMode;
    this.chunks = chunks;
  }

  ExecutionResult execute(CompiledFunction function, Invocation invocation) {
    long started = System.nanoTime();
    if (Thread.currentThread().isInterrupted()) {
      return new Failed(
          FailureCode.CANCELLED,
          "cancelled before the function started: the executing thread was interrupted",
          "",
          Duration.ofNanos(System.nanoTime() - started));
    }
    try (WasiSandbox sandbox = new WasiSandbox(invocation)) {
      MemoryGuard memory =
          new MemoryGuard(invocation.limits(), function.memory(), memoryMode, chunks, sandbox);
      Throwable failure = null;
      boolean timedOut;
      int returned = 0;
      Watchdog.Deadline deadline = watchdog.start(invocation.limits().timeout());
      try {
        returned = run(function, memory, invocation.entry(), sandbox);
      } catch (Throwable t) {
        // Whatever the guest did, including StackOverflowError, is judged below.
        failure = t;
      } finally {
        timedOut = deadline.stop();
        memory.release();
      }
      Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
      return verdicts.judge(
          new Verdicts.Ending(
              function,
              invocation.limits(),
              failure,
              timedOut,
              elapsed,
              invocation.entry(),
              returned),
          sandbox,
          memory);
    } catch (RuntimeException e) {
      return verdicts.internal(function, e, "", Duration.ofNanos(System.nanoTime() - started));
    }
  }

  /** Runs the entry point; returns what a plug-in function returned (0 for a command). */
  private int run(
      CompiledFunction function, MemoryGuard memory, Invocation.Entry entry, WasiSandbox sandbox) {
    if (entry instanceof Invocation.Entry.Plugin) {
      // Before the instance exists: a module's start function may already call the kernel.
      sandbox.startKernel();
    }
    long building = System.nanoTime();
    Instance instance =
        Instance.builder(function.module())
            .withImportValues(function.imports())
            .withMachineFactory(function.machineFactory())
            .withMemoryFactory(memory::create)
            .withTableFactory(function.tables())
            // build() would otherwise call _start itself and swallow how it ended; we call it
            // exactly once, below, and judge the exit ourselves.
            .withStart(false)
            .build();
    observer.instantiated(function, Duration.ofNanos(System.nanoTime() - building));
    if (entry instanceof Invocation.Entry.Plugin plugin) {
      return callPlugin(function, instance, plugin.export());
    }
    instance.export(ModuleInspector.START).apply();
    return 0;
  }

  /**
   * Calls a plug-in function as Extism does: a WASI reactor's {@code _initialize} first, then the
   * export, whose i32 result (none counts as 0) is the plug-in's verdict.
   */
  private static int callPlugin(CompiledFunction function, Instance instance, String export) {
    String problem = ModuleInspector.pluginFunctionProblem(function.module(), export);
    if (problem != null) {
      throw new Verdicts.UncallableExport(problem);
    }
    if (ModuleInspector.hasInitialize(function.module())) {
      instance.export(ModuleInspector.INITIALIZE).apply();
    }
    long[] results = instance.export(export).apply();
    return results == null || results.length == 0 ? 0 : (int) results[0];
  }
}
