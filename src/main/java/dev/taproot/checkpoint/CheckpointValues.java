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
 * (values up to {@link ExecutionStore#INLINE_MAX_BYTES}), otherwise from the payload table by
 * digest. Every reader of a checkpoint's input or output goes through here.
 */
@ApplicationScoped
public class CheckpointValues {
  private final ExecutionStore executions;
  private final PayloadStore payloads;

  CheckpointValues(ExecutionStore executions, PayloadStore payloads) {
    this.executions = executions;
    this.payloads = payloads;
  }

  /** The values found, by digest; a digest stored nowhere is absent from the map. */
  public Map<String, JsonNode> read(Collection<ValueAt> values) {
    List<ValueAt> inRows = new ArrayList<>();
    for (ValueAt v : values) {
      if (v != null && v.attempt() != null) {
        inRows.add(v);
      }
    }
    Map<String, JsonNode> out = new HashMap<>(executions.inlineValues(inRows));
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
