package dev.taproot.demo;

import dev.taproot.checkpoint.Checkpoint;
import dev.taproot.checkpoint.ExecutionStatus;
import dev.taproot.checkpoint.ExecutionStore;
import dev.taproot.checkpoint.StoredRun;
import dev.taproot.engine.Engine;
import dev.taproot.engine.RunLoader;
import dev.taproot.engine.RunProgress;
import dev.taproot.engine.RunService;
import dev.taproot.lineage.OriginSearch;
import dev.taproot.lineage.ValueAssertion;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The main job: runs the bundled orders pipeline on the bundled day of orders, prints progress
 * while it runs, then the summary and where to look.
 */
@ApplicationScoped
public class DemoJob {
  private static final String WORKFLOW = "orders";

  private final RunService runs;
  private final Engine engine;
  private final RunLoader loader;
  private final ExecutionStore checkpoints;
  private final OriginSearch origins;
  private final RunProgress progress;
  private final int port;
  private final PrintStream out = System.out;

  DemoJob(
      RunService runs,
      Engine engine,
      RunLoader loader,
      ExecutionStore checkpoints,
      OriginSearch origins,
      RunProgress progress,
      @ConfigProperty(name = "quarkus.http.port") int port) {
    this.origins = origins;
    this.progress = progress;
    this.runs = runs;
    this.engine = engine;
    this.loader = loader;
    this.checkpoints = checkpoints;
    this.port = port;
  }

  // Boundary: whatever keeps the example from starting is printed, and the service stays up.
  @SuppressWarnings("checkstyle:IllegalCatch")
  public void run() {
    try {
      byte[] records = resource("examples/orders.ndjson");
      long lines = new String(records, java.nio.charset.StandardCharsets.UTF_8).lines().count();
      Instant start = Instant.now();
      RunService.StartedRun started = runs.start(WORKFLOW, records, true);
      String base = "http://localhost:" + port + "/api/v1";
      out.printf(
          "%n[taproot] run %s of workflow '%s' started on %d records (trace %s)%n",
          started.runId(), WORKFLOW, lines, started.traceId());
      out.printf("[taproot] follow it: curl -s %s/runs/%s%n", base, started.runId());
      while (engine.isLive(started.runId())) {
        engine.progress(started.runId()).ifPresent(p -> out.println("[taproot] " + line(p)));
        Thread.sleep(1000);
      }
      summary(base, started.runId(), Duration.between(start, Instant.now()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException | IOException e) {
      out.println("[taproot] the example run could not be started: " + e.getMessage());
    }
  }

  private void summary(String base, String runId, Duration took) {
    StoredRun run = QuarkusTransaction.requiringNew().call(() -> loader.run(runId));
    Map<String, Map<String, Integer>> progress = this.progress.of(run);
    out.printf(
        "%n[taproot] run %s %s in %.1f s%n", runId, run.status().name(), took.toMillis() / 1000.0);
    progress.forEach((step, counts) -> out.printf("[taproot]   %-10s %s%n", step, counts(counts)));
    if (run.error() != null) {
      out.println("[taproot] " + run.error().message());
    }
    for (String step : progress.keySet()) {
      List<Checkpoint> failed = checkpoints.latest(runId, step, ExecutionStatus.FAILED, 0, 5);
      for (Checkpoint f : failed) {
        String key = f.item().key();
        out.printf(
            "[taproot] failed: step %s item %s: %s %s%n",
            step, key, f.outcome().code(), f.outcome().message());
        out.printf(
            "[taproot]   checkpoint: curl -s %s/runs/%s/steps/%s/items/%s%n",
            base, runId, step, key);
        whereItStarted(base, run, step, key);
      }
    }
    String ui = base.replace("/api/v1", "");
    out.printf("[taproot] look at it in the web UI: %s/ui/runs/%s%n", ui, runId);
    out.printf(
        "[taproot] all runs: %s/ (or curl -s %s/runs) ; the service keeps running (Ctrl+C to stop)%n",
        ui, base);
  }

  /**
   * Asks origin search where the failed record went bad, and prints how to check and apply the fix.
   */
  private void whereItStarted(String base, StoredRun run, String step, String key) {
    String assertion = "value.qty >= 1";
    String item = base + "/runs/" + run.id() + "/steps/" + step + "/items/" + key;
    out.printf(
        "[taproot] where did it start? curl -s -X POST -H 'Content-Type: application/json' -d '{\"assert\": \"%s\"}' %s/origin%n",
        assertion, item);
    OriginSearch.Answer answer =
        origins.search(run, step, key, ValueAssertion.Cel.compile(assertion));
    out.println("[taproot]   " + answer.message());
    for (OriginSearch.Link link : answer.chain()) {
      out.printf("[taproot]     %-28s %-6s %s%n", link.node(), link.side(), link.value());
    }
    if (answer.found() && answer.origin().step() != null) {
      String origin =
          base
              + "/runs/"
              + run.id()
              + "/steps/"
              + answer.origin().step()
              + "/items/"
              + answer.origin().key();
      out.printf("[taproot] try the fixed parser on the recorded input (changes nothing):%n");
      out.printf(
          "[taproot]   curl -s -X POST -H 'Content-Type: application/json' -d '{\"function\": \"parse-order@2\"}' %s/replay%n",
          origin);
      out.printf("[taproot] then redrive that record from where it went bad, with the fix:%n");
      out.printf(
          "[taproot]   curl -s -X POST -H 'Content-Type: application/json' -d '{\"items\": [\"%s\"], \"from\": \"%s\", \"functions\": {\"parse\": \"parse-order@2\"}}' %s/runs/%s/redrive%n",
          answer.origin().key(), answer.origin().step(), base, run.id());
    }
  }

  private static String counts(Map<String, Integer> counts) {
    StringBuilder b = new StringBuilder();
    counts.forEach((status, n) -> b.append(n > 0 ? n + " " + status + "  " : ""));
    return b.toString().trim();
  }

  private static String line(Map<String, Map<String, Integer>> progress) {
    StringBuilder b = new StringBuilder();
    progress.forEach(
        (step, c) -> {
          int total = c.values().stream().mapToInt(Integer::intValue).sum();
          b.append(step)
              .append(' ')
              .append(c.get("succeeded"))
              .append('/')
              .append(total)
              .append(" ok");
          if (c.get("failed") > 0) {
            b.append(", ").append(c.get("failed")).append(" failed");
          }
          if (c.get("skipped") > 0) {
            b.append(", ").append(c.get("skipped")).append(" skipped");
          }
          b.append(" | ");
        });
    return b.length() > 3 ? b.substring(0, b.length() - 3) : b.toString();
  }

  private static byte[] resource(String path) throws IOException {
    try (InputStream in =
        Thread.currentThread().getContextClassLoader().getResourceAsStream(path)) {
      if (in == null) {
        throw new IOException("bundled resource " + path + " is missing");
      }
      return in.readAllBytes();
    }
  }
}
