package dev.taproot.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.taproot.checkpoint.StoredRecord;
import java.lang.ref.SoftReference;
import java.util.List;

/**
 * A run's input: one JSON value, or the records of an x-ndjson upload, which stay in the store and
 * are read a range at a time. A streamed upload becomes one value ({@code {"records": [...]}}) only
 * when an expression reads the input as a whole; that value is kept softly, so a large upload read
 * that way costs the reads again rather than the heap.
 */
final class RunInput {
  /** Reads records {@code from} (inclusive) to {@code to} (exclusive), in key order. */
  interface Records {
    List<StoredRecord> read(int from, int to);
  }

  private final JsonNode value;
  private final Records records;
  private final int recordCount;
  private volatile SoftReference<JsonNode> whole = new SoftReference<>(null);

  private RunInput(JsonNode value, Records records, int recordCount) {
    this.value = value;
    this.records = records;
    this.recordCount = recordCount;
  }

  static RunInput of(JsonNode value) {
    return new RunInput(value, null, 0);
  }

  static RunInput streamed(int recordCount, Records records) {
    return new RunInput(null, records, recordCount);
  }

  /** Whether the records are read from the store (an x-ndjson upload), not held as a value. */
  boolean streamed() {
    return records != null;
  }

  int recordCount() {
    return recordCount;
  }

  /** Records {@code from} to {@code to} (exclusive) of a streamed input. */
  List<StoredRecord> records(int from, int to) {
    return records.read(from, to);
  }

  /** The input as one value. */
  JsonNode whole() {
    if (value != null) {
      return value;
    }
    JsonNode v = whole.get();
    if (v == null) {
      ArrayNode all = JsonNodeFactory.instance.arrayNode(recordCount);
      for (int from = 0; from < recordCount; from += NdjsonReader.CHUNK_RECORDS) {
        for (StoredRecord r :
            records.read(from, Math.min(recordCount, from + NdjsonReader.CHUNK_RECORDS))) {
          all.add(r.value());
        }
      }
      ObjectNode input = JsonNodeFactory.instance.objectNode();
      input.set("records", all);
      v = input;
      whole = new SoftReference<>(v);
    }
    return v;
  }
}
