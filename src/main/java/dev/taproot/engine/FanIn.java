package dev.taproot.engine;

import com.fasterxml.jackson.databind.JsonNode;
import dev.taproot.checkpoint.AttemptRef;
import dev.taproot.checkpoint.ItemRef;
import dev.taproot.checkpoint.ValueAt;
import dev.taproot.expression.CelValues;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The succeeded items of a forEach step, converted to {@code [{key, output}]} when read. Outputs
 * known only by digest are read then, in one batch, on the reading thread: a worker, for a fan-in
 * input, so that reading 100,000 payloads never holds up the checkpoint writer.
 */
record FanIn(List<FanIn.Entry> entries, Dispatcher dispatcher, String runId, String step) {
  record Entry(String key, int attempt, JsonNode output, String digest, String spanId) {}

  Object celValue() {
    List<ValueAt> missing = new ArrayList<>();
    for (Entry e : entries) {
      if (e.output() == null) {
        AttemptRef recordedBy = new AttemptRef(runId, new ItemRef(step, e.key()), e.attempt());
        missing.add(ValueAt.outputOf(recordedBy, e.digest()));
      }
    }
    Map<String, JsonNode> read = missing.isEmpty() ? Map.of() : dispatcher.values(missing);
    List<Object> list = new ArrayList<>(entries.size());
    for (Entry e : entries) {
      JsonNode output = e.output() != null ? e.output() : read.get(e.digest());
      if (output == null) {
        throw new MissingPayloadException(runId, e.digest());
      }
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("key", e.key());
      entry.put("output", CelValues.toCel(output));
      list.add(entry);
    }
    return list;
  }
}
