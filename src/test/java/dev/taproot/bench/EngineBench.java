package dev.taproot.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.taproot.function.runtime.CompiledFunction;
import dev.taproot.function.runtime.ExecutionResult;
import dev.taproot.function.runtime.Invocation;
import dev.taproot.function.runtime.Limits;
import dev.taproot.function.runtime.WasmRuntime;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The engine against two loops without it: runs a 3-step item-wise pipeline (parse, enrich,
 * validate) over N records through the packaged service on each database, and the same functions on
 * the same records, one thread per core, through (a) the naive Chicory loop ({@link NaiveChicory}:
 * a new {@code WasiPreview1} and instance per call, as Chicory's documentation shows) and (b) a
 * plain loop through Taproot's own {@code WasmRuntime}. Prints a Markdown table. Started by {@code
 * bench/engine.sh}.
 *
 * <p>Cold and warm: the naive loop runs first in this JVM with no warm-up (cold), then after a
 * warm-up of 2,000 records (warm). Each database gets a fresh service JVM whose first run is the N
 * records with no warm-up (cold, only with bench.cold), then a 2,000-record warm-up run, then the N
 * records again (warm). Cold runs are dominated by class loading and JIT compilation, so they say
 * little about steady state; they are what a freshly started service does first.
 *
 * <p>System properties: bench.records (default 20,000), bench.dbs (default h2,postgresql),
 * bench.cold (default true: also time the cold runs), bench.plain (default true: also run the plain
 * loop through WasmRuntime), bench.warm-up (default 2,000: records in the warm-up run before the
 * warm one, for the naive loop and the engine alike; 20,000 shows a JIT that has settled),
 * bench.jfr (see {@link BenchService}).
 */
public final class EngineBench {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String[] FUNCTIONS = {
    "parse-order-v2", "enrich-order-v1", "validate-order-v1"
  };
  private static final int WARM_UP = Integer.getInteger("bench.warm-up", 2000);

  public static void main(String[] args) throws Exception {
    int records = Integer.getInteger("bench.records", 20_000);
    List<String> dbs = Arrays.asList(System.getProperty("bench.dbs", "h2,postgresql").split(","));
    boolean cold = Boolean.parseBoolean(System.getProperty("bench.cold", "true"));
    boolean plain = Boolean.parseBoolean(System.getProperty("bench.plain", "true"));
    int cores = Runtime.getRuntime().availableProcessors();
    String ndjson = BenchService.orders(records, java.util.Set.of(), 42);
    String[] lines = ndjson.split("\n");

    System.out.printf(
        "Engine benchmark: %d records x 3 steps, %d cores, %s%n%n", records, cores, Instant.now());
    // The naive loop first, so that its cold run is the first Wasm this JVM runs.
    List<NaiveChicory> naive = new ArrayList<>();
    for (String f : FUNCTIONS) {
      naive.add(new NaiveChicory(BenchService.resource("functions/" + f + ".wasm")));
    }
    Step naiveStep = (step, input) -> JSON.readTree(naive.get(step).call(input));
    Raw naiveCold = cold ? loop(naiveStep, lines, cores) : null;
    warmUp(naiveStep, lines);
    Raw naiveWarm = loop(naiveStep, lines, cores);

    List<String[]> rows = new ArrayList<>();
    if (naiveCold != null) {
      rows.add(row("naive Chicory loop, cold", naiveCold, "100 %"));
    }
    rows.add(row("naive Chicory loop, warm", naiveWarm, "100 %"));
    if (plain) {
      Raw raw = plainLoop(lines, cores);
      rows.add(row("plain loop through WasmRuntime, warm", raw, ratio(raw, naiveWarm)));
    }
    String[] when = {"cold", "warm"};
    Raw[] naiveOf = {naiveCold, naiveWarm};
    for (String db : dbs) {
      Raw[] r = engine(db.trim(), ndjson, records, cold);
      for (int i = 0; i < 2; i++) {
        if (r[i] != null) {
          rows.add(row("engine on " + db + ", " + when[i], r[i], ratio(r[i], naiveOf[i])));
        }
      }
    }
    System.out.println(
        "| what | executions/s | wall s | p50 ms | p99 ms | of the naive loop (cold/warm alike) |");
    System.out.println("|---|---:|---:|---:|---:|---:|");
    for (String[] row : rows) {
      System.out.println("| " + String.join(" | ", row) + " |");
    }
  }

  private static String[] row(String what, Raw raw, String ofNaive) {
    return new String[] {
      what,
      fmt(raw.perSecond),
      fmt(raw.wallSeconds),
      fmt(raw.p50Micros / 1000.0),
      fmt(raw.p99Micros / 1000.0),
      ofNaive
    };
  }

  private static String ratio(Raw r, Raw naive) {
    return String.format("%.2f x", r.perSecond / naive.perSecond);
  }

  /** {@code startSeconds}: for an engine run, how long after its creation its first step began. */
  private record Raw(
      double perSecond, double wallSeconds, long p50Micros, long p99Micros, double startSeconds) {}

  /** One step of the pipeline: the function at {@code step} on {@code input}, its JSON output. */
  @FunctionalInterface
  private interface Step {
    JsonNode call(int step, byte[] input) throws IOException;
  }

  /** The same three calls per record, in a loop, through the same runtime. */
  private static Raw plainLoop(String[] lines, int threads) throws Exception {
    WasmRuntime runtime = new WasmRuntime(16);
    List<CompiledFunction> fns = new ArrayList<>();
    for (String f : FUNCTIONS) {
      byte[] bytes = BenchService.resource("functions/" + f + ".wasm");
      fns.add(runtime.compile(dev.taproot.function.Digests.sha256(bytes), bytes));
    }
    Step step =
        (i, input) -> {
          ExecutionResult r =
              runtime.execute(
                  fns.get(i), new Invocation(input, Map.of(), Instant.now(), 1L, Limits.DEFAULTS));
          if (!(r instanceof ExecutionResult.Succeeded s)) {
            throw new IllegalStateException("plain loop: step " + i + " failed: " + r);
          }
          return s.output();
        };
    warmUp(step, lines);
    return loop(step, lines, threads);
  }

  private static void warmUp(Step step, String[] lines) {
    for (int i = 0; i < WARM_UP; i++) {
      pipeline(step, lines[i % lines.length], null);
    }
  }

  /** Every record through the three steps, one thread per core, timed. */
  private static Raw loop(Step step, String[] lines, int threads) throws Exception {
    long[] durations = new long[lines.length * 3];
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    long start = System.nanoTime();
    List<Future<?>> futures = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int first = t;
      futures.add(
          pool.submit(
              () -> {
                for (int i = first; i < lines.length; i += threads) {
                  long[] d = new long[3];
                  pipeline(step, lines[i], d);
                  System.arraycopy(d, 0, durations, i * 3, 3);
                }
                return null;
              }));
    }
    for (Future<?> f : futures) {
      f.get();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    pool.shutdown();
    Arrays.sort(durations);
    return new Raw(
        durations.length / seconds,
        seconds,
        durations[durations.length / 2],
        durations[(int) (durations.length * 0.99)],
        0);
  }

  private static final JsonNode RATES = rates();

  private static JsonNode rates() {
    try {
      return JSON.readTree("{\"EUR\": 1.0, \"USD\": 0.92, \"GBP\": 1.17}");
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void pipeline(Step call, String line, long[] micros) {
    try {
      JsonNode value = JSON.readTree(line);
      for (int step = 0; step < 3; step++) {
        JsonNode input = value;
        if (step == 1) {
          ObjectNode o = JSON.createObjectNode();
          o.set("order", value);
          o.set("rates", RATES);
          input = o;
        }
        long t0 = System.nanoTime();
        value = call.call(step, JSON.writeValueAsBytes(input));
        if (micros != null) {
          micros[step] = (System.nanoTime() - t0) / 1000;
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** {cold (or null), warm} for one database, in one fresh service JVM. */
  private static Raw[] engine(String db, String ndjson, int records, boolean cold)
      throws Exception {
    try (BenchService service = BenchService.start(db)) {
      for (String f : FUNCTIONS) {
        service.register(f.substring(0, f.lastIndexOf("-v")), "functions/" + f + ".wasm");
      }
      service.post("/api/v1/workflows", "application/yaml", WORKFLOW);
      double[] start = service.writerTotals();
      double cpuStart = service.cpuSeconds();
      JsonNode coldRun = cold ? run(service, ndjson) : null;
      double[] afterCold = service.writerTotals();
      double cpuAfterCold = service.cpuSeconds();
      // a small run first, so the JIT has seen the path before the measured one
      String warmUp = String.join("\n", ndjson.lines().limit(WARM_UP).toList()) + "\n";
      run(service, warmUp);
      double[] beforeWarm = service.writerTotals();
      double cpuBeforeWarm = service.cpuSeconds();
      JsonNode warmRun = run(service, ndjson);
      double[] afterWarm = service.writerTotals();
      double cpuAfterWarm = service.cpuSeconds();
      service.close(); // H2 keeps its file locked while the service runs
      Raw coldRaw = coldRun == null ? null : measure(service, coldRun, records);
      Raw warmRaw = measure(service, warmRun, records);
      if (coldRaw != null) {
        cost(db + ", cold", start, afterCold, coldRaw, records, cpuAfterCold - cpuStart);
      }
      cost(db + ", warm", beforeWarm, afterWarm, warmRaw, records, cpuAfterWarm - cpuBeforeWarm);
      return new Raw[] {coldRaw, warmRaw};
    }
  }

  /**
   * What one run cost the service: its CPU time per execution (every thread, JIT and GC included,
   * so less moved by other load on the machine than wall time), and how the checkpoint writer
   * fared: batches, executions per batch, time per batch, and the share of the run's wall time it
   * was writing (near 100 % means the database set the pace).
   */
  private static void cost(
      String what, double[] from, double[] to, Raw run, int records, double cpuSeconds) {
    double batches = to[0] - from[0];
    double seconds = to[1] - from[1];
    int executions = records * 3;
    System.out.printf(
        "engine on %s: service CPU %.0f µs per execution; checkpoint writer: %.0f batches, %.0f"
            + " executions per batch, %.1f ms per batch, %.0f µs per execution, busy %.0f %% of the"
            + " run; first step began %.2f s after the run was created%n",
        what,
        cpuSeconds * 1e6 / executions,
        batches,
        executions / batches,
        seconds * 1000 / batches,
        seconds * 1e6 / executions,
        100 * seconds / run.wallSeconds,
        run.startSeconds);
  }

  /** Starts a run of the records, waits for it to succeed, returns its view. */
  private static JsonNode run(BenchService service, String ndjson) throws Exception {
    String runId = service.startRun("bench", "application/x-ndjson", ndjson);
    JsonNode run = service.awaitRun(runId);
    if (!run.get("status").asText().equals("succeeded")) {
      throw new IllegalStateException("bench run ended " + run);
    }
    return ((ObjectNode) run.deepCopy()).put("runId", runId);
  }

  private static Raw measure(BenchService service, JsonNode run, int records) throws Exception {
    String runId = run.get("runId").asText();
    List<Long> durations = new ArrayList<>();
    Instant firstStart = null;
    try (Connection c = service.jdbc();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT duration_micros, started_at FROM execution WHERE run_id = ?")) {
      ps.setString(1, runId);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          durations.add(rs.getLong(1));
          Instant started = rs.getTimestamp(2).toInstant();
          if (firstStart == null || started.isBefore(firstStart)) {
            firstStart = started;
          }
        }
      }
    }
    durations.sort(Long::compare);
    if (durations.size() != records * 3) {
      throw new IllegalStateException(
          "expected " + records * 3 + " checkpoints, found " + durations.size());
    }
    Instant created = Instant.parse(run.get("createdAt").asText());
    double wall =
        Duration.between(created, Instant.parse(run.get("finishedAt").asText())).toMillis()
            / 1000.0;
    return new Raw(
        durations.size() / wall,
        wall,
        durations.get(durations.size() / 2),
        durations.get((int) (durations.size() * 0.99)),
        Duration.between(created, firstStart).toMillis() / 1000.0);
  }

  private static final String WORKFLOW =
      """
      name: bench
      functions:
        parse: { ref: parse-order }
        enrich: { ref: enrich-order }
        validate: { ref: validate-order }
      steps:
        parse:
          function: parse
          forEach: ${{ input.records }}
          input: ${{ item }}
        enrich:
          function: enrich
          forEach: ${{ steps.parse.items }}
          input:
            order: ${{ item.output }}
            rates: { EUR: 1.0, USD: 0.92, GBP: 1.17 }
        validate:
          function: validate
          forEach: ${{ steps.enrich.items }}
          input: ${{ item.output }}
      """;

  private static String fmt(double v) {
    return v >= 100 ? String.format("%,.0f", v) : String.format("%.2f", v);
  }

  private EngineBench() {}
}
