package dev.taproot.bench;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.taproot.function.runtime.CompiledFunction;
import dev.taproot.function.runtime.ExecutionResult;
import dev.taproot.function.runtime.InvalidModuleException;
import dev.taproot.function.runtime.Invocation;
import dev.taproot.function.runtime.WasmRuntime;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.Locale;

/**
 * Extism plug-ins against wasi functions on one thread (bench/extism.sh): executions per second of
 * the same logic under both ABIs, and the cost of one kernel call (alloc, store_u64, load_u64,
 * free) measured as the difference between many rounds of them and none. Prints Markdown.
 */
public final class ExtismBench {

  private static final int CALLS = Integer.getInteger("bench.calls", 3000);
  private static final int ROUNDS = Integer.getInteger("bench.rounds", 5);
  private static final int KERNEL_LOOP = Integer.getInteger("bench.kernelLoop", 200_000);
  private static final Instant CLOCK = Instant.parse("2025-01-01T00:00:00Z");

  private ExtismBench() {}

  /** One thing to time: a module, how it is entered, and the input it gets. */
  private record Case(String label, CompiledFunction function, Invocation invocation) {}

  public static void main(String[] args) throws Exception {
    System.out.printf(
        Locale.ROOT,
        "Java %s (%s), %d cores; %d timed executions per round after as many warm-up ones,"
            + " median of %d rounds%n%n",
        System.getProperty("java.version"),
        ManagementFactory.getRuntimeMXBean().getVmName(),
        Runtime.getRuntime().availableProcessors(),
        CALLS,
        ROUNDS);
    try (WasmRuntime runtime = new WasmRuntime()) {
      String record = record();
      String order =
          "{\"currency\":\"EUR\",\"customer\":\"Ana\",\"id\":\"1000\",\"qty\":2,\"rate\":1.0,"
              + "\"rateKnown\":true,\"sku\":\"SKU-1\",\"totalEur\":39.80,\"unitPrice\":19.90}";
      Case[] cases = {
        new Case(
            "copy input to output, 1 KiB: wasi `passthrough` (C, stdin → stdout)",
            compile(runtime, "src/test/resources/wasm/passthrough.wasm"),
            invocation(record, Invocation.Entry.COMMAND)),
        new Case(
            "copy input to output, 1 KiB: extism `extism-kit` echo (C, input_load_u64 →"
                + " store_u64 → output_set)",
            compile(runtime, "src/test/resources/wasm/extism-kit.wasm"),
            invocation(record, new Invocation.Entry.Plugin("echo"))),
        new Case(
            "validate one order: wasi validate-order@1 (C, JSON library)",
            compile(runtime, "src/main/resources/functions/validate-order-v1.wasm"),
            invocation(order, Invocation.Entry.COMMAND)),
        new Case(
            "validate one order: extism validate-order@2 (AssemblyScript, as-pdk)",
            compile(runtime, "src/main/resources/functions/validate-order-v2.extism.wasm"),
            invocation(order, new Invocation.Entry.Plugin("run"))),
      };
      System.out.println("| case | executions/s | µs per execution |");
      System.out.println("|---|---:|---:|");
      for (Case c : cases) {
        double micros = medianMicros(runtime, c.function(), c.invocation(), CALLS);
        System.out.printf(Locale.ROOT, "| %s | %,.0f | %.1f |%n", c.label(), 1e6 / micros, micros);
      }
      kernelCalls(runtime);
    }
  }

  /** The per-call cost of the kernel: rounds of four kernel calls, minus an empty loop. */
  private static void kernelCalls(WasmRuntime runtime) throws Exception {
    CompiledFunction kit = compile(runtime, "src/test/resources/wasm/extism-kit.wasm");
    int executions = Math.max(20, CALLS / 100);
    double empty =
        medianMicros(
            runtime, kit, invocation("0", new Invocation.Entry.Plugin("loop")), executions);
    double full =
        medianMicros(
            runtime,
            kit,
            invocation(Integer.toString(KERNEL_LOOP), new Invocation.Entry.Plugin("loop")),
            executions);
    double nanosPerCall = (full - empty) * 1000 / (4.0 * KERNEL_LOOP);
    System.out.printf(
        Locale.ROOT,
        "%nKernel calls: %,d rounds of alloc(8), store_u64, load_u64, free in one execution take"
            + " %.1f ms against %.1f µs for none: **%.0f ns per kernel call** (%.1f M calls/s).%n",
        KERNEL_LOOP,
        full / 1000,
        empty,
        nanosPerCall,
        1000 / nanosPerCall);
  }

  private static double medianMicros(
      WasmRuntime runtime, CompiledFunction function, Invocation invocation, int calls) {
    check(runtime.execute(function, invocation));
    for (int i = 0; i < calls; i++) {
      runtime.execute(function, invocation);
    }
    double[] rounds = new double[ROUNDS];
    for (int r = 0; r < ROUNDS; r++) {
      long start = System.nanoTime();
      for (int i = 0; i < calls; i++) {
        runtime.execute(function, invocation);
      }
      rounds[r] = (System.nanoTime() - start) / 1000.0 / calls;
    }
    Arrays.sort(rounds);
    return rounds[ROUNDS / 2];
  }

  private static void check(ExecutionResult result) {
    if (!(result instanceof ExecutionResult.Succeeded)) {
      throw new IllegalStateException("the benchmark case must succeed: " + result);
    }
  }

  /** A JSON object of about 1 KiB. */
  private static String record() {
    StringBuilder b = new StringBuilder("{\"rows\":[");
    for (int i = 0; b.length() < 1000; i++) {
      b.append(i == 0 ? "" : ",").append("\"row ").append(i).append(", some text\"");
    }
    return b.append("]}").toString();
  }

  private static Invocation invocation(String json, Invocation.Entry entry) {
    return Invocation.of(json.getBytes(UTF_8), CLOCK, 1).withEntry(entry);
  }

  private static CompiledFunction compile(WasmRuntime runtime, String path)
      throws IOException, InvalidModuleException {
    byte[] wasm = Files.readAllBytes(Path.of(path));
    return runtime.compile(WasmRuntime.digestOf(wasm), wasm);
  }
}
