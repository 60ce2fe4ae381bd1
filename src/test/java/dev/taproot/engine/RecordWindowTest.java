package dev.taproot.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.taproot.checkpoint.Payload;
import dev.taproot.checkpoint.RunStatus;
import dev.taproot.checkpoint.StoredRecord;
import java.util.ArrayList;
import java.util.List;
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
      for (ExecutionTask t : d.queuedTasks()) {
        d.take(t.stepId(), t.itemKey());
        d.succeed(t, "{\"n\": " + t.itemKey() + "}");
      }
      int unfinished =
          d.run().progress().get("first").get("pending")
              + d.run().progress().get("first").get("running");
      assertTrue(unfinished <= window, "unfinished items of first stay within the window");
    }
    assertEquals(RunStatus.SUCCEEDED, d.finished().status());
    assertEquals(count, d.run().progress().get("second").get("succeeded"));
    int read = store.reads.stream().mapToInt(r -> r[1] - r[0]).sum();
    assertEquals(count, read, "each record is read once");
  }
}
