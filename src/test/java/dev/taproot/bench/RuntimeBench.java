package dev.taproot.bench;

import com.dylibso.chicory.wasi.WasiExitException;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.taproot.function.FailureCode;
import dev.taproot.function.runtime.CompiledFunction;
import dev.taproot.function.runtime.ExecutionResult;
import dev.taproot.function.runtime.InstantiationObserver;
import dev.taproot.function.runtime.InvalidModuleException;
import dev.taproot.function.runtime.Invocation;
import dev.taproot.function.runtime.Limits;
import dev.taproot.function.runtime.MemoryMode;
import dev.taproot.function.runtime.WasmRuntime;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Measures the function runtime on every module that exists under src/main/resources/functions and
 * src/test/resources/wasm: how long validating and compiling take, and what one execution in a
 * fresh instance costs, compiled against interpreted. Prints a Markdown table; run it with
 * bench/runtime.sh.
 *
 * <p>Three phases, so that one measurement does not pay for another's JIT work or garbage: all
 * compile times first (each the median of 5, and the first one, which for the first module includes
 * loading Chicory's compiler), then a warm-up of every module on both engines, then the timed
 * calls, alternating between the two engines in rounds of 100 calls.
 *
 * <p>Each timed round also runs a naive Chicory loop on the same module and input: a new {@code
 * WasiPreview1} and {@code Instance.builder(...).build()} per call, as Chicory's documentation
 * shows, with the module compiled once (compiling per call would only measure the compiler), and
 * stdout parsed as JSON like the runtime does. The set-up column is the runtime's own instance
 * set-up time (what {@link InstantiationObserver} reports: instance, memory, data segments, before
 * {@code _start}), median of the timed compiled calls.
 *
 * <p>System properties: bench.memory (the {@link MemoryMode}, default {@link MemoryMode#DEFAULT}),
 * bench.interpreted (false skips the interpreter, for quick comparisons of the compiled runtime),
 * bench.modules (a regex; only modules whose name matches, default all), bench.calls (timed calls
 * per module and engine, default 2000), bench.warmup (untimed calls per module and engine first,
 * default 1000), bench.budget.seconds (cap per measurement, default 20; the interpreter can be
 * slow).
 */
public final class RuntimeBench {

  private static final List<Path> MODULE_DIRS =
      List.of(Path.of("src/main/resources/functions"), Path.of("src/test/resources/wasm"));

  /** Failures that mean "this module is a hostile test": timing it would time the limit. */
  private static final Set<FailureCode> NOT_TIMED =
      Set.of(FailureCode.TIMEOUT, FailureCode.MEMORY_LIMIT, FailureCode.OUTPUT_LIMIT);

  private static final Limits PROBE_LIMITS =
      new Limits(16 * 1024 * 1024, Duration.ofSeconds(1), 4 * 1024 * 1024);
  private static final int COMPILE_REPEATS = 5;

  /** Calls per engine before switching to the other one. */
  private static final int ROUND = 100;

  private static final int CALLS = Integer.getInteger("bench.calls", 2000);
  private static final int WARMUP = Integer.getInteger("bench.warmup", 1000);
  private static final Duration BUDGET =
      Duration.ofSeconds(Integer.getInteger("bench.budget.seconds", 20));
  private static final MemoryMode MEMORY_MODE =
      MemoryMode.valueOf(System.getProperty("bench.memory", MemoryMode.DEFAULT.name()));
  private static final boolean INTERPRETED =
      Boolean.parseBoolean(System.getProperty("bench.interpreted", "true"));
  private static final Pattern ONLY = Pattern.compile(System.getProperty("bench.modules", ".*"));

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Instance set-up times the runtime reports while {@link #recording} is set. */
  private static final Samples SETUP = new Samples();

  private static volatile boolean recording;

  /** One module and what is known about it so far. */
  private static final class Module {
    final String name;
    final byte[] wasm;
    final Invocation invocation;
    String rejected;
    double validateMs;
    double[] compileMs;
    CompiledFunction compiled;
    CompiledFunction interpreted;
    String outcome;
    Latency fast;
    Latency slow;
    Latency naive;
    Latency setup;
    NaiveChicory chicory;

    Module(Path path) throws IOException {
      this.name = path.getFileName().toString().replaceFirst("\\.wasm$", "");
      this.wasm = Files.readAllBytes(path);
      this.invocation = invocation(path);
    }

    String digest() {
      return WasmRuntime.digestOf(wasm);
    }

    boolean timed() {
      return rejected == null && fast != null;
    }
  }

  /** Per-call latencies in microseconds, and the collections that happened while timing. */
  record Latency(double median, double p99, int calls, long collections) {
    String format() {
      return String.format(Locale.ROOT, median < 10 ? "%.1f / %.0f" : "%.0f / %.0f", median, p99)
          + (calls < CALLS ? " (" + calls + " calls)" : "");
    }
  }

  private RuntimeBench() {}

  public static void main(String[] args) throws Exception {
    List<Module> modules = new ArrayList<>();
    for (Path path : modulePaths()) {
      if (ONLY.matcher(path.getFileName().toString().replaceFirst("\\.wasm$", "")).matches()) {
        modules.add(new Module(path));
      }
    }
    System.out.printf(
        Locale.ROOT,
        "Java %s (%s), %d cores, max heap %d MiB; %d timed calls after %d warm-up calls;"
            + " memory mode %s%n%n",
        System.getProperty("java.version"),
        ManagementFactory.getRuntimeMXBean().getVmName(),
        Runtime.getRuntime().availableProcessors(),
        Runtime.getRuntime().maxMemory() >> 20,
        CALLS,
        WARMUP,
        MEMORY_MODE);
    InstantiationObserver setup =
        (function, took) -> {
          if (recording) {
            SETUP.add(took.toNanos());
          }
        };
    try (WasmRuntime runtime =
        new WasmRuntime(WasmRuntime.DEFAULT_CACHE_ENTRIES, setup, MEMORY_MODE)) {
      for (Module module : modules) {
        measureCompile(runtime, module);
      }
      for (Module module : modules) {
        probeAndWarmUp(runtime, module);
      }
      for (Module module : modules) {
        if (module.outcome != null && module.interpreted != null) {
          timeBoth(runtime, module);
        }
      }
    }
    printTable(modules);
  }

  private static void measureCompile(WasmRuntime runtime, Module module) {
    double[] validateMs = new double[COMPILE_REPEATS];
    for (int i = 0; i < COMPILE_REPEATS; i++) {
      try {
        long start = System.nanoTime();
        runtime.inspect(module.wasm);
        validateMs[i] = (System.nanoTime() - start) / 1e6;
      } catch (InvalidModuleException e) {
        module.rejected = e.getMessage();
        return;
      }
    }
    module.validateMs = median(validateMs);
    // Fresh runtimes, so every repetition parses and compiles from scratch.
    module.compileMs = new double[COMPILE_REPEATS];
    for (int i = 0; i < COMPILE_REPEATS; i++) {
      try (WasmRuntime fresh = new WasmRuntime(1)) {
        long start = System.nanoTime();
        compile(fresh, module);
        module.compileMs[i] = (System.nanoTime() - start) / 1e6;
      }
    }
    module.compiled = compile(runtime, module);
  }

  private static void probeAndWarmUp(WasmRuntime runtime, Module module) {
    if (module.rejected != null) {
      return;
    }
    ExecutionResult probe =
        runtime.execute(module.compiled, module.invocation.withLimits(PROBE_LIMITS));
    if (probe instanceof ExecutionResult.Failed failed) {
      module.outcome = failed.code().name();
      if (NOT_TIMED.contains(failed.code())) {
        // How fast a limit stops a guest is worth knowing too (the probe's timeout is 1 s).
        module.outcome += " after " + failed.elapsed().toMillis() + " ms (not timed)";
        return;
      }
    } else {
      module.outcome = "succeeded";
    }
    try {
      module.interpreted = runtime.interpret(module.digest(), module.wasm);
    } catch (InvalidModuleException e) {
      throw new IllegalStateException("valid a moment ago", e);
    }
    module.chicory = new NaiveChicory(module.wasm);
    warmUp(runtime, module.compiled, module.invocation);
    if (INTERPRETED) {
      warmUp(runtime, module.interpreted, module.invocation);
    }
    long deadline = System.nanoTime() + BUDGET.toNanos();
    for (int i = 0; i < WARMUP && System.nanoTime() < deadline; i++) {
      naiveCall(module);
    }
  }

  /** One call the way Chicory's documentation shows it: new WASI, new instance, _start. */
  private static void naiveCall(Module module) {
    try {
      JSON.readTree(module.chicory.call(module.invocation.input()));
    } catch (WasiExitException | IOException e) {
      // A non-zero exit or non-JSON output is an outcome, as it is for the runtime.
    } catch (RuntimeException e) {
      // Traps likewise.
    }
  }

  private static void warmUp(
      WasmRuntime runtime, CompiledFunction function, Invocation invocation) {
    long deadline = System.nanoTime() + BUDGET.toNanos();
    for (int i = 0; i < WARMUP && System.nanoTime() < deadline; i++) {
      runtime.execute(function, invocation);
    }
  }

  /**
   * Times both engines in alternating rounds, so that load from outside (this machine is shared)
   * lands on both alike instead of on whichever ran during a burst.
   */
  private static void timeBoth(WasmRuntime runtime, Module module) {
    Samples fast = new Samples();
    Samples slow = new Samples();
    Samples naive = new Samples();
    SETUP.count = 0;
    long deadline = System.nanoTime() + 2 * BUDGET.toNanos();
    while ((fast.count < CALLS || (INTERPRETED && slow.count < CALLS))
        && (fast.count < ROUND || System.nanoTime() < deadline)) {
      recording = true;
      fast.time(runtime, module.compiled, module.invocation, ROUND);
      recording = false;
      if (INTERPRETED) {
        slow.time(runtime, module.interpreted, module.invocation, ROUND);
      }
      naive.timeNaive(module, ROUND);
    }
    module.fast = fast.latency();
    module.slow = INTERPRETED ? slow.latency() : null;
    module.naive = naive.latency();
    module.setup = SETUP.latency();
  }

  /** Per-call times of one engine, with the collections that happened while taking them. */
  private static final class Samples {
    final long[] nanos = new long[CALLS];
    int count;
    long collections;

    void time(WasmRuntime runtime, CompiledFunction function, Invocation invocation, int calls) {
      long before = collections();
      for (int i = 0; i < calls && count < CALLS; i++) {
        long start = System.nanoTime();
        runtime.execute(function, invocation);
        nanos[count++] = System.nanoTime() - start;
      }
      collections += collections() - before;
    }

    void timeNaive(Module module, int calls) {
      long before = collections();
      for (int i = 0; i < calls && count < CALLS; i++) {
        long start = System.nanoTime();
        naiveCall(module);
        nanos[count++] = System.nanoTime() - start;
      }
      collections += collections() - before;
    }

    void add(long took) {
      if (count < nanos.length) {
        nanos[count++] = took;
      }
    }

    Latency latency() {
      long[] sorted = Arrays.copyOf(nanos, count);
      Arrays.sort(sorted);
      return new Latency(
          sorted[count / 2] / 1000.0,
          sorted[Math.min(count - 1, (int) (count * 0.99))] / 1000.0,
          count,
          collections);
    }
  }

  private static long collections() {
    long count = 0;
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      count += Math.max(0, gc.getCollectionCount());
    }
    return count;
  }

  private static void printTable(List<Module> modules) {
    System.out.println(
        "| module | size | initial pages | engine | validate ms (median) | validate+compile ms (first / median) | outcome | set-up µs (median / p99) | compiled µs (median / p99) | interpreted µs (median / p99) |"
            + " interpreted ÷ compiled | naive Chicory µs (median / p99) | naive ÷ compiled | GCs while timing |");
    System.out.println("|---|---:|---:|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|");
    for (Module m : modules) {
      String size = String.format(Locale.ROOT, "%.1f KiB", m.wasm.length / 1024.0);
      if (m.rejected != null) {
        String[] row = new String[14];
        Arrays.fill(row, "—");
        row[0] = m.name;
        row[1] = size;
        row[6] = "rejected: " + shorten(m.rejected);
        System.out.println(cells(row));
        continue;
      }
      List<String> row =
          new ArrayList<>(
              List.of(
                  m.name,
                  size,
                  initialPages(m),
                  m.compiled.engine().name().toLowerCase(Locale.ROOT).replace('_', ' '),
                  ms(m.validateMs),
                  ms(m.compileMs[0]) + " / " + ms(median(m.compileMs)),
                  m.outcome));
      if (m.timed()) {
        row.addAll(
            List.of(
                m.setup.format(),
                m.fast.format(),
                m.slow == null ? "—" : m.slow.format(),
                m.slow == null
                    ? "—"
                    : String.format(Locale.ROOT, "%.1f", m.slow.median() / m.fast.median()),
                m.naive.format(),
                String.format(Locale.ROOT, "%.1f", m.naive.median() / m.fast.median()),
                m.fast.collections()
                    + " / "
                    + (m.slow == null ? "—" : m.slow.collections())
                    + " / "
                    + m.naive.collections()));
      } else {
        row.addAll(Collections.nCopies(7, "—"));
      }
      System.out.println(cells(row.toArray(String[]::new)));
    }
  }

  private static String initialPages(Module m) {
    WasmModule parsed = Parser.parse(m.wasm);
    return parsed
        .memorySection()
        .map(section -> String.valueOf(section.getMemory(0).limits().initialPages()))
        .orElse("0");
  }

  private static CompiledFunction compile(WasmRuntime runtime, Module module) {
    try {
      return runtime.compile(module.digest(), module.wasm);
    } catch (InvalidModuleException e) {
      throw new IllegalStateException("valid a moment ago", e);
    }
  }

  /** {@code <name>.input.json} beside the module if there is one, else {@code {}}. */
  private static Invocation invocation(Path module) throws IOException {
    Path input =
        module.resolveSibling(
            module.getFileName().toString().replaceFirst("\\.wasm$", ".input.json"));
    byte[] json =
        Files.exists(input) ? Files.readAllBytes(input) : "{}".getBytes(StandardCharsets.UTF_8);
    return Invocation.of(json, Instant.parse("2025-01-01T00:00:00Z"), 1);
  }

  private static List<Path> modulePaths() {
    List<Path> modules = new ArrayList<>();
    for (Path dir : MODULE_DIRS) {
      if (!Files.isDirectory(dir)) {
        System.out.println("(no " + dir + " yet: skipped)");
        continue;
      }
      try (Stream<Path> files = Files.list(dir)) {
        // Extism plug-ins have no _start; bench/extism.sh measures them.
        files
            .filter(p -> p.toString().endsWith(".wasm"))
            .filter(p -> !p.getFileName().toString().startsWith("extism-"))
            .filter(p -> !p.getFileName().toString().endsWith(".extism.wasm"))
            .sorted()
            .forEach(modules::add);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return modules;
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }

  private static String ms(double ms) {
    return String.format(Locale.ROOT, ms < 10 ? "%.1f" : "%.0f", ms);
  }

  private static String shorten(String message) {
    String oneLine = message.replace('\n', ' ').replace("|", "\\|");
    return oneLine.length() > 60 ? oneLine.substring(0, 60) + "…" : oneLine;
  }

  private static String cells(String... cells) {
    return "| " + String.join(" | ", cells) + " |";
  }
}
