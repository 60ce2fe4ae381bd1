package dev.taproot.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Arrays;
import java.util.concurrent.Callable;

/**
 * Trace-back on a big batch: a 4-step orders pipeline (parse, enrich, validate, total) over N
 * records (default 100,000) with 10 planted bad ones, then the time of a lineage call, of an origin
 * search and of a redrive of the 10 failed items with the fixed parser. Started by {@code
 * bench/traceback.sh}.
 */
public final class TraceBackBench {
  private static final int BAD = 10;

  public static void main(String[] args) throws Exception {
    int records = Integer.getInteger("bench.records", 100_000);
    String db = System.getProperty("bench.db", "postgresql");
    try (BenchService service = BenchService.start(db)) {
      service.register("parse-order", "functions/parse-order-v1.wasm");
      service.register("parse-order", "functions/parse-order-v2.wasm");
      service.register("enrich-order", "functions/enrich-order-v1.wasm");
      service.register("validate-order", "functions/validate-order-v1.wasm");
      service.register("sum-totals", "functions/sum-totals-v1.wasm");
      service.post("/api/v1/workflows", "application/yaml", WORKFLOW);
      Instant t0 = Instant.now();
      String runId =
          service
              .post("/api/v1/workflows/tracebench/runs", "application/x-ndjson", records(records))
              .get("runId")
              .asText();
      JsonNode run = service.awaitRun(runId);
      double runSeconds = java.time.Duration.between(t0, Instant.now()).toMillis() / 1000.0;
      System.out.printf(
          "Trace-back benchmark on %s: %d records x 4 steps, %d bad; the run took %.1f s and ended %s%n%n",
          db, records, BAD, runSeconds, run.get("status").asText());
      JsonNode failed =
          service.get("/api/v1/runs/" + runId + "/steps/validate/items?status=failed");
      if (failed.get("total").asInt() != BAD) {
        throw new IllegalStateException("expected " + BAD + " failed items, got " + failed);
      }
      String key = failed.get("items").get(0).get("key").asText();
      String item = "/api/v1/runs/" + runId + "/steps/validate/items/" + key;
      double lineageUp = median(() -> service.get(item + "/lineage?direction=upstream"));
      double lineageDown =
          median(
              () ->
                  service.get(
                      "/api/v1/runs/"
                          + runId
                          + "/steps/parse/items/"
                          + key
                          + "/lineage?direction=downstream&values=false"));
      double origin =
          median(
              () ->
                  service.post(
                      item + "/origin", "application/json", "{\"assert\": \"value.qty >= 1\"}"));
      JsonNode answer =
          service.post(item + "/origin", "application/json", "{\"assert\": \"value.qty >= 1\"}");

      long redriveStart = System.nanoTime();
      Instant redriveAt = Instant.now();
      JsonNode redrive =
          service.post(
              "/api/v1/runs/" + runId + "/redrive",
              "application/json",
              "{\"from\": \"parse\", \"functions\": {\"parse\": \"parse-order@2\"}}");
      JsonNode after = service.awaitRun(runId);
      double redriveSeconds = (System.nanoTime() - redriveStart) / 1e9;
      double itemsSeconds =
          lastFinished(service, runId, "validate", failed.get("items"), redriveAt);

      // The same 10 items again, now that the redrive code has run once in this JVM.
      StringBuilder keys = new StringBuilder();
      for (JsonNode i : failed.get("items")) {
        keys.append(keys.length() == 0 ? "" : ", ")
            .append('"')
            .append(i.get("key").asText())
            .append('"');
      }
      long againStart = System.nanoTime();
      Instant againAt = Instant.now();
      JsonNode again =
          service.post(
              "/api/v1/runs/" + runId + "/redrive",
              "application/json",
              "{\"items\": [" + keys + "], \"from\": \"parse\"}");
      double againCall = (System.nanoTime() - againStart) / 1e9;
      service.awaitRun(runId);
      double againSeconds = lastFinished(service, runId, "validate", failed.get("items"), againAt);

      System.out.println("| call | time |");
      System.out.println("|---|---|");
      System.out.printf(
          "| lineage upstream of validate/%s (values included) | %.1f ms |%n", key, lineageUp);
      System.out.printf(
          "| lineage downstream of parse/%s (through the %d-item fan-in, digests only) | %.1f ms |%n",
          key, records, lineageDown);
      System.out.printf(
          "| origin search `value.qty >= 1` (answer: %s) | %.1f ms |%n",
          answer.get("message").asText().replace("|", "/"), origin);
      System.out.printf(
          "| redrive of the %d failed items from parse with parse-order@2: until their validate succeeded | %.2f s |%n",
          BAD, itemsSeconds);
      System.out.printf(
          "| the same redrive until the run ended (%d executions, the %d-item total included; status %s) | %.2f s |%n",
          redrive.get("executions").asInt(), records, after.get("status").asText(), redriveSeconds);
      System.out.printf(
          "| a second redrive of the same %d items from parse (%d executions): the call answered | %.2f s |%n",
          BAD, again.get("executions").asInt(), againCall);
      System.out.printf(
          "| the second redrive: until their validate succeeded | %.2f s |%n", againSeconds);
    }
  }

  private static double median(Callable<?> call) throws Exception {
    call.call();
    double[] ms = new double[5];
    for (int i = 0; i < ms.length; i++) {
      long t = System.nanoTime();
      call.call();
      ms[i] = (System.nanoTime() - t) / 1e6;
    }
    Arrays.sort(ms);
    return ms[ms.length / 2];
  }

  /** Seconds from a redrive request to the last item of a step it re-executed finishing. */
  /**
   * Seconds from {@code since} until the last of {@code items} of {@code step} finished its latest
   * attempt, as the item API shows it (the bench cannot open H2's file while the service holds it).
   */
  private static double lastFinished(
      BenchService service, String runId, String step, JsonNode items, Instant since)
      throws Exception {
    Instant last = since;
    for (JsonNode i : items) {
      Instant finished =
          Instant.parse(
              service
                  .get(
                      "/api/v1/runs/"
                          + runId
                          + "/steps/"
                          + step
                          + "/items/"
                          + i.get("key").asText())
                  .get("finishedAt")
                  .asText());
      last = finished.isAfter(last) ? finished : last;
    }
    return java.time.Duration.between(since, last).toMillis() / 1000.0;
  }

  private static final String WORKFLOW =
      """
      name: tracebench
      functions:
        parse: { ref: parse-order@1 }
        enrich: { ref: enrich-order }
        validate: { ref: validate-order }
        total: { ref: sum-totals }
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
        total:
          function: total
          input: ${{ steps.validate.items.map(i, i.output) }}
          limits: { memory: 1GiB, output: 1MiB }
          timeout: 300s
      """;

  private static String records(int n) {
    java.util.Set<Integer> bad = new java.util.HashSet<>();
    for (int i = 0; i < BAD; i++) {
      bad.add((i + 1) * (n / (BAD + 1)));
    }
    return BenchService.orders(n, bad, 7);
  }

  private TraceBackBench() {}
}
