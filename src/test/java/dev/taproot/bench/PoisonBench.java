package dev.taproot.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Checkpoint writer throughput while a poisoned function fails every tenth execution, against the
 * same run with no poison, through the packaged service on H2 and PostgreSQL. Step {@code a} runs
 * the {@code poison} module over the input items: every tenth item makes it write NUL, invalid
 * UTF-8 and ESC to stderr and {@code \u0000} in JSON to stdout, and exit 1 (the bytes that froze
 * the writer on PostgreSQL before they were stored faithfully); step {@code b} runs {@code inc} on
 * what {@code a} produced, so the poisoned items are skipped there. Rounds alternate clean and
 * poisoned runs after {@code bench.warm-up-rounds} (3) rounds of both. Prints a Markdown table.
 */
public final class PoisonBench {
  private static final int RECORDS = Integer.getInteger("bench.records", 20_000);
  private static final int ROUNDS = Integer.getInteger("bench.rounds", 3);
  private static final int WARM_UP_ROUNDS = Integer.getInteger("bench.warm-up-rounds", 3);
  private static final String[] DBS = System.getProperty("bench.dbs", "h2,postgresql").split(",");

  private static final String WORKFLOW =
      """
      name: poison
      functions:
        poison: { ref: poison@1 }
        inc: { ref: inc@1 }
      steps:
        a:
          function: poison
          forEach: ${{ input.items }}
          input: ${{ item }}
        b:
          function: inc
          forEach: ${{ steps.a.items }}
          input: ${{ item.output }}
      """;

  /** {@code bench.poisoned-first=true} runs the poisoned run of each round first. */
  private static final boolean[] ORDER =
      Boolean.getBoolean("bench.poisoned-first")
          ? new boolean[] {true, false}
          : new boolean[] {false, true};

  private PoisonBench() {}

  public static void main(String[] args) throws Exception {
    System.out.printf(
        "%d records, 2 item-wise steps, %d rounds after %d warm-up rounds, %d cores%n%n",
        RECORDS, ROUNDS, WARM_UP_ROUNDS, Runtime.getRuntime().availableProcessors());
    System.out.println(
        "| database | round | input | run (s) | checkpoints written | checkpoints/s | succeeded |"
            + " failed | skipped | status |");
    System.out.println("|---|---|---|---|---|---|---|---|---|---|");
    for (String db : DBS) {
      try (BenchService service = BenchService.start(db)) {
        service.register("poison", "wasm/poison.wasm");
        service.register("inc", "wasm/inc.wasm");
        service.post("/api/v1/workflows", "application/yaml", WORKFLOW);
        // The service's JIT needs a few whole runs: a single one left the first rounds slower.
        for (int i = 0; i < WARM_UP_ROUNDS; i++) {
          run(service, false);
          run(service, true);
        }
        for (int round = 1; round <= ROUNDS; round++) {
          for (boolean poisoned : ORDER) {
            Result r = run(service, poisoned);
            System.out.printf(
                "| %s | %d | %s | %.2f | %d | %.0f | %d | %d | %d | %s |%n",
                db,
                round,
                poisoned ? "every 10th poisoned" : "clean",
                r.seconds,
                r.total(),
                r.total() / r.seconds,
                r.count("succeeded"),
                r.count("failed"),
                r.count("skipped"),
                r.status);
          }
        }
      }
    }
  }

  private record Result(double seconds, String status, Map<String, Long> byStatus) {
    long total() {
      return byStatus.values().stream().mapToLong(Long::longValue).sum();
    }

    long count(String status) {
      return byStatus.getOrDefault(status, 0L);
    }
  }

  private static Result run(BenchService service, boolean poisoned) throws Exception {
    String input =
        IntStream.range(0, RECORDS)
            .mapToObj(
                i -> poisoned && i % 10 == 0 ? "{\"poison\": " + i + "}" : "{\"n\": " + i + "}")
            .collect(Collectors.joining(",", "{\"items\": [", "]}"));
    long t0 = System.nanoTime();
    String runId = service.startRun("poison", "application/json", input);
    JsonNode finished = service.awaitRun(runId);
    double seconds = (System.nanoTime() - t0) / 1e9;
    // From the run's progress: the H2 file is the service's alone while it runs.
    Map<String, Long> byStatus = new TreeMap<>();
    finished
        .get("progress")
        .forEach(
            step ->
                step.fields()
                    .forEachRemaining(
                        e -> byStatus.merge(e.getKey(), e.getValue().asLong(), Long::sum)));
    String expected = poisoned ? "failed" : "succeeded";
    long failed = byStatus.getOrDefault("failed", 0L);
    if (!finished.get("status").asText().equals(expected)
        || failed != (poisoned ? RECORDS / 10 : 0)) {
      throw new IllegalStateException(
          "run " + runId + " ended " + finished.get("status") + " with " + byStatus);
    }
    return new Result(seconds, finished.get("status").asText(), byStatus);
  }
}
