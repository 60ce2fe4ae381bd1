package dev.taproot.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class StepProgressTest {
  private static final long SECOND = 1_000_000_000L;

  @Test
  void rateAndEtaFollowTheLastSecondsNotTheSlowStart() throws Exception {
    StepProgress progress = new StepProgress();
    progress.update(counts(0, 0, 1000), 0);
    // a slow start: 10 items in 10 s, then 100 per second
    for (int s = 1; s <= 10; s++) {
      progress.update(counts(s, 0, 1000 - s), s * SECOND);
    }
    StepProgress.Row row = null;
    for (int s = 11; s <= 19; s++) {
      row =
          progress
              .update(counts(10 + (s - 10) * 100, 0, 1000 - 10 - (s - 10) * 100), s * SECOND)
              .get(0);
    }

    assertEquals(1000, row.total());
    assertEquals(100.0, row.rate(), 0.5, "not the 48/s average since the start");
    assertEquals(Duration.ofMillis(900), row.eta());
    assertEquals("910/1000", row.counts());
  }

  @Test
  void noRateBeforeHalfASecondAndWaitingBeforeAnyItem() throws Exception {
    StepProgress progress = new StepProgress();
    progress.update(counts(0, 0, 10), 0);
    StepProgress.Row early = progress.update(counts(5, 1, 4), SECOND / 4).get(0);
    assertEquals(0.0, early.rate());
    assertNull(early.eta());
    assertEquals("6/10  failed 1", early.counts());
    assertEquals("waiting", progress.update(counts(0, 0, 0), SECOND).get(0).counts());
  }

  @Test
  void barsFillInProportionAndPlainLinesOnlyRepeatWhatChanged() throws Exception {
    StepProgress.Row half = new StepProgress.Row("a", 5, 10, 5, 0, 0, 0, 0, null);
    assertEquals("[" + "=".repeat(15) + ">" + " ".repeat(14) + "]", ProgressDisplay.bar(half));

    StringWriter out = new StringWriter();
    ProgressDisplay lines = ProgressDisplay.of(false, new PrintWriter(out));
    lines.show("run", Duration.ZERO, List.of(half), false);
    lines.show("run", Duration.ofSeconds(3), List.of(half), false);
    lines.show("run", Duration.ofSeconds(6), List.of(half), true);
    assertEquals("[    0s] a 5/10\n", out.toString());
  }

  private static JsonNode counts(int succeeded, int failed, int pending) throws Exception {
    return new ObjectMapper()
        .readTree(
            "{\"step\": {\"pending\": %d, \"running\": 0, \"succeeded\": %d, \"failed\": %d, \"skipped\": 0}}"
                .formatted(pending, succeeded, failed));
  }
}
