package dev.taproot.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the values checkpoints recorded: from the checkpoint's own row when it kept them there
 * (values up to {@link ExecutionStore#INLINE_MAX_BYTES}), from the upload record an input is when
 * the row names one, otherwise from the payload table by digest. Every reader of a checkpoint's
 * input or output goes through here.
 */
@ApplicationScoped
public class CheckpointValues {
  private final ExecutionStore executions;
  private final PayloadStore payloads;
  private final RunStore runs;

  CheckpointValues(ExecutionStore executions, PayloadStore payloads, RunStore runs) {
    this.executions = executions;
    this.payloads = payloads;
    this.runs = runs;
  }

  /** The values found, by digest; a digest stored nowhere is absent from the map. */
  public Map<String, JsonNode> read(Collection<ValueAt> values) {
    List<ValueAt> inRows = new ArrayList<>();
    for (ValueAt v : values) {
      if (v != null && v.attempt() != null) {
        inRows.add(v);
      }
    }
    ExecutionStore.InRows found = executions.inlineValues(inRows);
    Map<String, JsonNode> out = new HashMap<>(found.values());
    fromRecords(found.records(), out);
    List<String> rest = new ArrayList<>();
    for (ValueAt v : values) {
      if (v != null && !out.containsKey(v.digest())) {
        rest.add(v.digest());
      }
    }
    if (!rest.isEmpty()) {
      out.putAll(payloads.getAll(rest));
    }
    return out;
  }

  /** Inputs that are upload records, read from the records (a record answers only its digest). */
  private void fromRecords(Map<ValueAt, Integer> inputs, Map<String, JsonNode> out) {
    Map<String, Map<Integer, List<ValueAt>>> byRun = new HashMap<>();
    inputs.forEach(
        (v, key) ->
            byRun
                .computeIfAbsent(v.attempt().runId(), r -> new HashMap<>())
                .computeIfAbsent(key, k -> new ArrayList<>())
                .add(v));
    byRun.forEach(
        (runId, wanted) ->
            runs.records(runId, wanted.keySet())
                .forEach(
                    (key, record) -> {
                      for (ValueAt v : wanted.get(key)) {
                        if (record.digest().equals(v.digest())) {
                          out.putIfAbsent(v.digest(), record.value());
                        }
                      }
                    }));
  }

  /** The input and output of one checkpoint (either null when it has none, or it is lost). */
  public InputAndOutput of(Checkpoint c) {
    String in = c.inputDigest();
    String out = c.outcome().outputDigest();
    Map<String, JsonNode> found =
        read(
            Arrays.asList(
                in == null ? null : ValueAt.inputOf(c.attempt(), in),
                out == null ? null : ValueAt.outputOf(c.attempt(), out)));
    return new InputAndOutput(
        in == null ? null : found.get(in), out == null ? null : found.get(out));
  }

  /** A checkpoint's recorded values. */
  public record InputAndOutput(JsonNode input, JsonNode output) {}
}
