package dev.taproot.ui;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** One step's counts as a bar: each status's share of the step's items, in percent. */
record StepCounts(
    String step, int succeeded, int failed, int skipped, int running, int pending, String href) {

  static List<StepCounts> of(Map<String, Map<String, Integer>> progress, String itemsHref) {
    List<StepCounts> out = new ArrayList<>();
    progress.forEach(
        (step, n) ->
            out.add(
                new StepCounts(
                    step,
                    n.getOrDefault("succeeded", 0),
                    n.getOrDefault("failed", 0),
                    n.getOrDefault("skipped", 0),
                    n.getOrDefault("running", 0),
                    n.getOrDefault("pending", 0),
                    itemsHref.replace("{step}", step))));
    return out;
  }

  public int total() {
    return succeeded + failed + skipped + running + pending;
  }

  public int done() {
    return succeeded + failed + skipped;
  }

  public String pct(int n) {
    int t = total();
    if (t == 0 || n == 0) {
      return "0";
    }
    // one failure in 100,000 still shows: a non-zero share is at least 1.5 % of the bar
    return String.format(java.util.Locale.ROOT, "%.2f", Math.max(1.5, 100.0 * n / t));
  }

  /** What the bar says in words. */
  public String summary() {
    StringBuilder s =
        new StringBuilder().append(done()).append(" of ").append(total()).append(" done");
    if (failed > 0) {
      s.append(", ").append(failed).append(" failed");
    }
    if (skipped > 0) {
      s.append(", ").append(skipped).append(" skipped");
    }
    if (running > 0) {
      s.append(", ").append(running).append(" running");
    }
    return s.toString();
  }
}
