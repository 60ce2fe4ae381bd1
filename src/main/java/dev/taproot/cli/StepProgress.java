package dev.taproot.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Per-step counts of a run as it goes, with a rate and an ETA over the last few seconds this
 * watcher has seen: the first seconds of a run are slow (modules compile, the JIT warms up), and an
 * average since the start would keep the ETA too long for the whole run.
 */
final class StepProgress {
  /** One step at one moment; {@code rate} is items per second, 0 while unknown. */
  record Row(
      String step,
      int done,
      int total,
      int succeeded,
      int failed,
      int skipped,
      int running,
      double rate,
      Duration eta) {

    String counts() {
      if (total == 0) {
        return "waiting";
      }
      StringBuilder b = new StringBuilder(done + "/" + total);
      if (failed > 0) {
        b.append("  failed ").append(failed);
      }
      if (skipped > 0) {
        b.append("  skipped ").append(skipped);
      }
      return b.toString();
    }

    String speed() {
      if (rate <= 0) {
        return "";
      }
      String perSecond = rate >= 10 ? Long.toString(Math.round(rate)) : String.format("%.1f", rate);
      return perSecond + "/s" + (eta == null ? "" : "  ETA " + StepProgress.format(eta));
    }
  }

  private record Sample(long nanos, int done) {}

  // Below this, a rate is mostly noise from the polling interval.
  private static final long MIN_WINDOW_NANOS = 500_000_000L;
  private static final long WINDOW_NANOS = 5_000_000_000L;

  private final Map<String, ArrayDeque<Sample>> seen = new HashMap<>();

  /** The rows for {@code progress}, the run view's {@code {step: {status: count}}}. */
  List<Row> update(JsonNode progress, long nanos) {
    List<Row> rows = new ArrayList<>();
    progress
        .fields()
        .forEachRemaining(
            e -> {
              JsonNode c = e.getValue();
              int succeeded = c.path("succeeded").asInt();
              int failed = c.path("failed").asInt();
              int skipped = c.path("skipped").asInt();
              int running = c.path("running").asInt();
              int done = succeeded + failed + skipped;
              int total = done + running + c.path("pending").asInt();
              ArrayDeque<Sample> samples =
                  seen.computeIfAbsent(e.getKey(), k -> new ArrayDeque<>());
              samples.addLast(new Sample(nanos, done));
              while (samples.size() > 2 && nanos - samples.getFirst().nanos() > WINDOW_NANOS) {
                samples.removeFirst();
              }
              Sample first = samples.getFirst();
              long window = nanos - first.nanos();
              double rate =
                  window >= MIN_WINDOW_NANOS && done > first.done()
                      ? (done - first.done()) * 1e9 / window
                      : 0;
              Duration eta =
                  rate > 0 && total > done
                      ? Duration.ofMillis(Math.round((total - done) / rate * 1000))
                      : null;
              rows.add(
                  new Row(e.getKey(), done, total, succeeded, failed, skipped, running, rate, eta));
            });
    return rows;
  }

  static String format(Duration d) {
    long s = Math.max(0, d.toSeconds());
    if (s < 60) {
      return s + "s";
    }
    if (s < 3600) {
      return (s / 60) + "m" + String.format("%02d", s % 60) + "s";
    }
    return (s / 3600) + "h" + String.format("%02d", s / 60 % 60) + "m";
  }
}
