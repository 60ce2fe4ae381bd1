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
 * The engine against a plain loop: runs a 3-step item-wise pipeline (parse, enrich, validate) over
 * N records through the packaged service on each database, and the same functions on the same
 * records through the same runtime without the engine, one thread per core. Prints a Markdown
 * table. Started by {@code bench/engine.sh}.
 */
public final class EngineBench {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String[] FUNCTIONS = {
    "parse-order-v2", "enrich-order-v1", "validate-order-v1"
  };

  public static void main(String[] args) throws Exception {
    int records = Integer.getInteger("bench.records", 20_000);
    List<String> dbs = Arrays.asList(System.getProperty("bench.dbs", "h2,postgresql").split(","));
    int cores = Runtime.getRuntime().availableProcessors();
    String ndjson = BenchService.orders(records, java.util.Set.of(), 42);

    System.out.printf(
        "Engine benchmark: %d records x 3 steps, %d cores, %s%n%n", records, cores, Instant.now());
    Raw raw = rawLoop(ndjson, cores);
    List<String[]> rows = new ArrayList<>();
    rows.add(
        new String[] {
          "plain loop (no engine)",
          fmt(raw.perSecond),
          "-",
          fmt(raw.p50Micros / 1000.0),
          fmt(raw.p99Micros / 1000.0),
          "100 %"
        });
    for (String db : dbs) {
      Result r = engine(db.trim(), ndjson, records);
      rows.add(
          new String[] {
            "engine on " + db,
            fmt(r.perSecond),
            fmt(r.wallSeconds),
            fmt(r.p50Micros / 1000.0),
            fmt(r.p99Micros / 1000.0),
            fmt(100.0 * r.perSecond / raw.perSecond) + " %"
          });
    }
    System.out.println("| what | executions/s | wall s | p50 ms | p99 ms | of plain loop |");
    System.out.println("|---|---|---|---|---|---|");
    for (String[] row : rows) {
      System.out.println("| " + String.join(" | ", row) + " |");
    }
  }

  private record Raw(double perSecond, long p50Micros, long p99Micros) {}

  private record Result(double perSecond, double wallSeconds, long p50Micros, long p99Micros) {}

  /** The same three calls per record, in a loop, through the same runtime. */
  private static Raw rawLoop(String ndjson, int threads) throws Exception {
    WasmRuntime runtime = new WasmRuntime(16);
    List<CompiledFunction> fns = new ArrayList<>();
    for (String f : FUNCTIONS) {
      byte[] bytes = BenchService.resource("functions/" + f + ".wasm");
      fns.add(runtime.compile(dev.taproot.function.Digests.sha256(bytes), bytes));
    }
    String[] lines = ndjson.split("\n");
    JsonNode rates = JSON.readTree("{\"EUR\": 1.0, \"USD\": 0.92, \"GBP\": 1.17}");
    // warm-up
    for (int i = 0; i < 2000; i++) {
      pipeline(runtime, fns, lines[i % lines.length], rates, null);
    }
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
                  pipeline(runtime, fns, lines[i], rates, d);
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
        durations[durations.length / 2],
        durations[(int) (durations.length * 0.99)]);
  }

  private static void pipeline(
      WasmRuntime runtime, List<CompiledFunction> fns, String line, JsonNode rates, long[] micros) {
    try {
      JsonNode value = JSON.readTree(line);
      for (int step = 0; step < 3; step++) {
        JsonNode input = value;
        if (step == 1) {
          ObjectNode o = JSON.createObjectNode();
          o.set("order", value);
          o.set("rates", rates);
          input = o;
        }
        long t0 = System.nanoTime();
        ExecutionResult r =
            runtime.execute(
                fns.get(step),
                new Invocation(
                    JSON.writeValueAsBytes(input), Map.of(), Instant.now(), 1L, Limits.DEFAULTS));
        if (micros != null) {
          micros[step] = (System.nanoTime() - t0) / 1000;
        }
        if (!(r instanceof ExecutionResult.Succeeded s)) {
          throw new IllegalStateException("plain loop: step " + step + " failed: " + r);
        }
        value = s.output();
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Result engine(String db, String ndjson, int records) throws Exception {
    try (BenchService service = BenchService.start(db)) {
      for (String f : FUNCTIONS) {
        service.register(f.substring(0, f.lastIndexOf("-v")), "functions/" + f + ".wasm");
      }
      service.post("/api/v1/workflows", "application/yaml", WORKFLOW);
      // a small run first, so the JIT has seen the path before the measured one
      String warmUp = String.join("\n", ndjson.lines().limit(2000).toList()) + "\n";
      service.awaitRun(
          service
              .post("/api/v1/workflows/bench/runs", "application/x-ndjson", warmUp)
              .get("runId")
              .asText());
      String runId =
          service
              .post("/api/v1/workflows/bench/runs", "application/x-ndjson", ndjson)
              .get("runId")
              .asText();
      JsonNode run = service.awaitRun(runId);
      if (!run.get("status").asText().equals("succeeded")) {
        throw new IllegalStateException("bench run ended " + run);
      }
      double wall =
          Duration.between(
                      Instant.parse(run.get("createdAt").asText()),
                      Instant.parse(run.get("finishedAt").asText()))
                  .toMillis()
              / 1000.0;
      service.close(); // H2 keeps its file locked while the service runs
      List<Long> durations = new ArrayList<>();
      try (Connection c = service.jdbc();
          PreparedStatement ps =
              c.prepareStatement("SELECT duration_micros FROM execution WHERE run_id = ?")) {
        ps.setString(1, runId);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            durations.add(rs.getLong(1));
          }
        }
      }
      durations.sort(Long::compare);
      if (durations.size() != records * 3) {
        throw new IllegalStateException(
            "expected " + records * 3 + " checkpoints, found " + durations.size());
      }
      return new Result(
          durations.size() / wall,
          wall,
          durations.get(durations.size() / 2),
          durations.get((int) (durations.size() * 0.99)));
    }
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
