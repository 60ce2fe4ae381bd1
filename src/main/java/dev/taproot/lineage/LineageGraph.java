package dev.taproot.lineage;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import dev.taproot.checkpoint.Checkpoint;
import dev.taproot.checkpoint.Outcome;
import java.util.List;

/**
 * Checkpoints and the values that flowed between them. Edges point the way data flowed (producer to
 * consumer), whichever direction the graph was walked.
 */
public record LineageGraph(
    String runId,
    String root,
    String direction,
    List<Node> nodes,
    List<Edge> edges,
    boolean truncated) {
  public static final String EXECUTION = "execution";
  public static final String RECORD = "record";
  public static final String INPUT = "input";
  public static final String OUTPUT = "output";

  /**
   * A checkpoint ({@code execution}), a record of an x-ndjson upload ({@code record}, with its
   * line), the whole run input ({@code input}) or the run output ({@code output}). For the last
   * three, {@code output} is the value itself.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Node(
      String id,
      String kind,
      String step,
      String key,
      Integer attempt,
      Integer line,
      String status,
      String functionRef,
      String functionDigest,
      String inputDigest,
      String outputDigest,
      JsonNode input,
      JsonNode output,
      String errorCode,
      String errorMessage,
      String traceId,
      String spanId) {

    static Node execution(Checkpoint r) {
      Outcome outcome = r.outcome();
      return new Node(
          r.item() + "#" + r.attempt().number(),
          EXECUTION,
          r.item().step(),
          r.item().key(),
          r.attempt().number(),
          null,
          outcome.status().id(),
          r.function() == null ? null : r.function().ref(),
          r.function() == null ? null : r.function().digest(),
          r.inputDigest(),
          outcome.outputDigest(),
          null,
          null,
          outcome.code() == null ? null : outcome.code().name(),
          outcome.message(),
          r.span().traceId(),
          r.span().spanId());
    }

    static Node record(String key, String digest) {
      return new Node(
          "record/" + key,
          RECORD,
          null,
          key,
          null,
          Integer.parseInt(key) + 1,
          null,
          null,
          null,
          null,
          digest,
          null,
          null,
          null,
          null,
          null,
          null);
    }

    static Node input(String digest) {
      return new Node(
          "input", INPUT, null, null, null, null, null, null, null, null, digest, null, null, null,
          null, null, null);
    }

    static Node output(String digest) {
      return new Node(
          "output", OUTPUT, null, null, null, null, null, null, null, null, digest, null, null,
          null, null, null, null);
    }

    Node withValues(JsonNode inputValue, JsonNode outputValue) {
      return new Node(
          id,
          kind,
          step,
          key,
          attempt,
          line,
          status,
          functionRef,
          functionDigest,
          inputDigest,
          outputDigest,
          inputValue,
          outputValue,
          errorCode,
          errorMessage,
          traceId,
          spanId);
    }
  }

  /** {@code to} consumed the value at {@code path} of {@code from}. */
  public record Edge(String from, String to, String path) {}
}
