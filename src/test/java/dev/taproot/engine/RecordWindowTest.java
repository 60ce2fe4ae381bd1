package dev.taproot.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.taproot.checkpoint.ItemRef;
import dev.taproot.checkpoint.Outcome;
import dev.taproot.checkpoint.Payload;
import dev.taproot.checkpoint.RecordedAttempt;
import dev.taproot.checkpoint.RunStatus;
import dev.taproot.checkpoint.StoredRecord;
import dev.taproot.function.FailureCode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * A forEach over the records of an x-ndjson upload makes its items a window at a time, reading the
 * records a chunk at a time from the store: the scheduler never holds every record, and the run
 * still sees each one once, at its key, with lineage to its line.
 */
class RecordWindowTest {
  private static final String PIPELINE =
      """
      name: window
      functions:
        f: { ref: fn }
      steps:
        first:
          function: f
          forEach: ${{ input.records }}
          input: ${{ item }}
        second:
          function: f
          forEach: ${{ steps.first.items }}
          input: ${{ item.output }}
      """;

  /** Record i is {@code {"n": i}}; every range read is kept. */
  private static final class Store implements RunInput.Records {
    final List<int[]> reads = new ArrayList<>();

    @Override
    public List<StoredRecord> read(int from, int to) {
      reads.add(new int[] {from, to});
      return IntStream.range(from, to)
          .mapToObj(i -> Payload.of(JsonNodeFactory.instance.objectNode().put("n", i)))
          .map(p -> new StoredRecord(p.value(), p.digest()))
          .toList();
    }
  }

  @Test
  void itemsAreMadeAWindowAtATimeAndEveryRecordRunsOnce() {
    int count = 10_000;
    Store store = new Store();
    RecordingDispatcher d =
        new RecordingDispatcher(PIPELINE, RunInput.streamed(count, store), true).start();
    int window = StepState.RecordWindow.SIZE;
    assertEquals(window, d.queuedTasks().size(), "only one window of items exists at first");
    assertEquals(window / StepState.RecordWindow.CHUNK, store.reads.size());

    ExecutionTask last = d.take("first", "4095");
    assertEquals(4095, last.itemValue().get("n").asInt());
    assertEquals("4095", last.edges().get(0).fromKey(), "lineage ends at the record");
    d.succeed(last, "{\"n\": 4096}");
    // first/4095 ended: room for one more item, so one more chunk of records is made.
    List<String> queued = d.queued();
    assertTrue(queued.contains("second/4095#1"), queued.toString());
    assertTrue(queued.contains("first/4096#1"), "the next chunk is made");
    assertTrue(!queued.contains("first/" + (window + StepState.RecordWindow.CHUNK) + "#1"));

    while (!d.queuedTasks().isEmpty()) {
      succeedEveryQueued(d);
      long made = d.queuedTasks().stream().filter(t -> t.stepId().equals("first")).count();
      assertTrue(made <= window, "unfinished items of first stay within the window");
      Map<String, Integer> first = d.run().progress().get("first");
      assertEquals(
          count,
          first.get("pending") + first.get("running") + first.get("succeeded"),
          "every record counted, made or not: " + first);
    }
    assertEquals(RunStatus.SUCCEEDED, d.finished().status());
    assertEquals(count, d.run().progress().get("second").get("succeeded"));
    int read = store.reads.stream().mapToInt(r -> r[1] - r[0]).sum();
    assertEquals(count, read, "each record is read once");
  }

  @Test
  void pendingCountsTheRecordsNotMadeYetUntilTheRunIsCancelled() {
    RecordingDispatcher d =
        new RecordingDispatcher(PIPELINE, RunInput.streamed(10_000, new Store()), true).start();
    assertEquals(Map.of("pending", 10_000), pendingOf(d.run().progress().get("first")));
    assertEquals(
        Map.of("pending", 10_000),
        pendingOf(d.run().progress().get("second")),
        "one item of second to follow each record");

    d.run().cancel();
    assertEquals(
        Map.of("pending", StepState.RecordWindow.SIZE),
        pendingOf(d.run().progress().get("first")),
        "a cancelled run makes no more items");
  }

  @Test
  void aResumedRunShowsTheRecordsItEndedBeforeUnderTheirStatus() {
    int count = 10_000;
    RecordingDispatcher d =
        new RecordingDispatcher(PIPELINE, RunInput.streamed(count, new Store()), true);
    Map<ItemRef, RecordedAttempt> recorded = new HashMap<>();
    for (int i = 5_000; i < count; i++) {
      RecordedAttempt a = d.recordedSuccess("first", Integer.toString(i), 1, "{\"n\": 1}");
      recorded.put(a.item(), a);
    }
    RecordedAttempt failed =
        d.recorded("first", "9999", 1, new Outcome.Failed(FailureCode.EXPRESSION, "bad"));
    recorded.put(failed.item(), failed);
    d.resume(recorded);

    Map<String, Integer> first = d.run().progress().get("first");
    assertEquals(4_999, first.get("succeeded"), first.toString());
    assertEquals(1, first.get("failed"), first.toString());
    assertEquals(5_000, first.get("pending") + first.get("running"), first.toString());

    while (!d.queuedTasks().isEmpty()) {
      succeedEveryQueued(d);
      Map<String, Integer> now = d.run().progress().get("first");
      assertEquals(count, now.values().stream().mapToInt(Integer::intValue).sum(), now.toString());
      assertEquals(1, now.get("failed"), "the recorded failure counted once: " + now);
    }
    assertEquals(count - 1, d.run().progress().get("first").get("succeeded"));
  }

  @Test
  void aRedriveCountsOnlyTheRecordsItSelectedAsStillToRun() {
    int count = 10_000;
    RecordingDispatcher d =
        new RecordingDispatcher(PIPELINE, RunInput.streamed(count, new Store()), true);
    // Every even record failed and is redriven: more than a window of them, so some are not read
    // when the redrive starts.
    Map<ItemRef, RecordedAttempt> failed = new HashMap<>();
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < count; i += 2) {
      RecordedAttempt a =
          d.recorded(
              "first", Integer.toString(i), 1, new Outcome.Failed(FailureCode.EXPRESSION, "x"));
      failed.put(a.item(), a);
      keys.add(a.key());
    }
    d.redrive(
        failed,
        failed.keySet(),
        new RedriveScope(
            Map.of("first", keys, "second", List.of()),
            Set.of(),
            Map.of(),
            Map.of(
                "first", new RecordedRun.Tally(count / 2, 0, 0, 0),
                "second", new RecordedRun.Tally(count / 2, 0, 0, 0)),
            new RecordedRun(RecordingDispatcher.RUN_ID, new InMemoryRecordedAttempts(List.of()))));

    Map<String, Integer> first = d.run().progress().get("first");
    assertEquals(count / 2, first.get("succeeded"), first.toString());
    assertEquals(
        Map.of("pending", count / 2),
        pendingOf(first),
        "every selected record still to run, read or not: " + first);
  }

  /** Runs each task queued now to success, its output {@code {"n": key}}. */
  private static void succeedEveryQueued(RecordingDispatcher d) {
    for (ExecutionTask t : d.queuedTasks()) {
      d.take(t.stepId(), t.itemKey());
      d.succeed(t, "{\"n\": " + t.itemKey() + "}");
    }
  }

  private static Map<String, Integer> pendingOf(Map<String, Integer> counts) {
    return Map.of("pending", counts.get("pending") + counts.get("running"));
  }
}
