package dev.taproot.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Shows a run's progress on standard error: bars redrawn in place on a terminal, plain lines (only
 * what changed, at most every few seconds) in a CI log or a file.
 */
abstract sealed class ProgressDisplay {
  static final int BAR_WIDTH = 30;

  static ProgressDisplay of(boolean terminal, PrintWriter err) {
    return terminal ? new Bars(err) : new Lines(err);
  }

  final PrintWriter err;

  ProgressDisplay(PrintWriter err) {
    this.err = err;
  }

  /** Called on every poll; {@code last} is true for the final state. */
  abstract void show(String status, Duration elapsed, List<StepProgress.Row> rows, boolean last);

  static String bar(StepProgress.Row row) {
    int filled = row.total() == 0 ? 0 : (int) ((long) BAR_WIDTH * row.done() / row.total());
    StringBuilder b = new StringBuilder("[");
    b.append("=".repeat(filled));
    if (filled < BAR_WIDTH) {
      b.append(row.done() > 0 ? ">" : " ").append(" ".repeat(BAR_WIDTH - filled - 1));
    }
    return b.append("]").toString();
  }

  static int width(List<StepProgress.Row> rows) {
    return rows.stream().mapToInt(r -> r.step().length()).max().orElse(4);
  }

  /** Redraws one line per step in place with ANSI cursor movement. */
  static final class Bars extends ProgressDisplay {
    private static final String CLEAR_LINE = "\u001b[2K";
    private int drawn;

    Bars(PrintWriter err) {
      super(err);
    }

    @Override
    void show(String status, Duration elapsed, List<StepProgress.Row> rows, boolean last) {
      StringBuilder frame = new StringBuilder();
      if (drawn > 0) {
        frame.append("\u001b[").append(drawn).append('F');
      }
      int width = width(rows);
      frame
          .append(CLEAR_LINE)
          .append(status)
          .append("  ")
          .append(StepProgress.format(elapsed))
          .append('\n');
      for (StepProgress.Row row : rows) {
        frame
            .append(CLEAR_LINE)
            .append(String.format("  %-" + width + "s %s %s", row.step(), bar(row), row.counts()));
        String speed = row.speed();
        frame.append(speed.isEmpty() || last ? "" : "  " + speed).append('\n');
      }
      err.print(frame);
      err.flush();
      drawn = rows.size() + 1;
    }
  }

  /** One line per step that moved, at most every {@link #EVERY}, and the final state. */
  static final class Lines extends ProgressDisplay {
    static final Duration EVERY = Duration.ofSeconds(2);
    private final Map<String, String> printed = new HashMap<>();
    private Duration lastPrint;

    Lines(PrintWriter err) {
      super(err);
    }

    @Override
    void show(String status, Duration elapsed, List<StepProgress.Row> rows, boolean last) {
      if (!last && lastPrint != null && elapsed.minus(lastPrint).compareTo(EVERY) < 0) {
        return;
      }
      int width = width(rows);
      for (StepProgress.Row row : rows) {
        String counts = row.counts();
        if (counts.equals(printed.get(row.step()))) {
          continue;
        }
        printed.put(row.step(), counts);
        String speed = last ? "" : row.speed();
        err.println(
            String.format(
                    "[%6s] %-" + width + "s %s%s",
                    StepProgress.format(elapsed),
                    row.step(),
                    counts,
                    speed.isEmpty() ? "" : "  " + speed)
                .stripTrailing());
      }
      err.flush();
      lastPrint = elapsed;
    }
  }
}
