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
 * what {@code a} produced, so the poisoned items are skipped there. Each round runs a clean, a
 * poisoned and a plainly failing run (every tenth fails with plain text: the control that tells
 * what the bytes cost from what a failure costs), then a clean run started together with each of
 * the three; {@code bench.warm-up-rounds} (3) rounds of the same come first. Prints a Markdown
 * table.
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

  /**
   * One measured run: poisoned or clean, alone or started together with another run (clean or
   * poisoned) that shares the service, so that what a poisoned run costs the runs beside it shows.
   */
  private enum Mode {
    CLEAN("clean", Input.CLEAN, null),
    POISONED("every 10th poisoned", Input.POISONED, null),
    FAILING("every 10th failing, plain text", Input.FAILING, null),
    CLEAN_BESIDE_CLEAN("clean, beside a clean run", Input.CLEAN, Input.CLEAN),
    CLEAN_BESIDE_POISONED("clean, beside a poisoned run", Input.CLEAN, Input.POISONED),
    CLEAN_BESIDE_FAILING("clean, beside a plainly failing run", Input.CLEAN, Input.FAILING);

    final String label;
    final Input input;
    final Input beside;

    Mode(String label, Input input, Input beside) {
      this.label = label;
      this.input = input;
      this.beside = beside;
    }
  }

  /** What every tenth record is: a plain number, hostile bytes, or a plain failure. */
  private enum Input {
    CLEAN(null),
    POISONED("poison"),
    FAILING("fail");

    final String key;

    Input(String key) {
      this.key = key;
    }
  }

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
          for (Mode mode : Mode.values()) {
            run(service, mode);
          }
        }
        for (int round = 1; round <= ROUNDS; round++) {
          for (Mode mode : Mode.values()) {
            Result r = run(service, mode);
            System.out.printf(
                "| %s | %d | %s | %.2f | %d | %.0f | %d | %d | %d | %s |%n",
                db,
                round,
                mode.label,
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

  private static Result run(BenchService service, Mode mode) throws Exception {
    String beside =
        mode.beside == null
            ? null
            : service.startRun("poison", "application/json", input(mode.beside));
    long t0 = System.nanoTime();
    String runId = service.startRun("poison", "application/json", input(mode.input));
    JsonNode finished = service.awaitRun(runId);
    double seconds = (System.nanoTime() - t0) / 1e9;
    if (beside != null) {
      check(beside, service.awaitRun(beside), mode.beside);
    }
    return new Result(seconds, finished.get("status").asText(), check(runId, finished, mode.input));
  }

  private static String input(Input kind) {
    return IntStream.range(0, RECORDS)
        .mapToObj(
            i ->
                kind.key != null && i % 10 == 0
                    ? "{\"" + kind.key + "\": " + i + "}"
                    : "{\"n\": " + i + "}")
        .collect(Collectors.joining(",", "{\"items\": [", "]}"));
  }

  /** The run's counts, from its progress (the H2 file is the service's alone while it runs). */
  private static Map<String, Long> check(String runId, JsonNode finished, Input kind) {
    boolean failing = kind != Input.CLEAN;
    Map<String, Long> byStatus = new TreeMap<>();
    finished
        .get("progress")
        .forEach(
            step ->
                step.fields()
                    .forEachRemaining(
                        e -> byStatus.merge(e.getKey(), e.getValue().asLong(), Long::sum)));
    String expected = failing ? "failed" : "succeeded";
    long failed = byStatus.getOrDefault("failed", 0L);
    if (!finished.get("status").asText().equals(expected)
        || failed != (failing ? RECORDS / 10 : 0)) {
      throw new IllegalStateException(
          "run " + runId + " ended " + finished.get("status") + " with " + byStatus);
    }
    return byStatus;
  }
}
