package dev.taproot.checkpoint;

import java.util.List;
import java.util.Objects;

/**
 * One attempt ready to be committed: the lease it was made under (checked when it is committed),
 * its checkpoint row, the payloads it references and the lineage edges of the values it consumed.
 * {@code inputRecord} is the key of the x-ndjson record the input is, byte for byte, when it is
 * one: the row then points at that record instead of keeping the same bytes again; null otherwise.
 */
public record ExecutionRecord(
    Lease lease,
    Checkpoint checkpoint,
    String workflow,
    Payload input,
    Payload output,
    List<LineageEdge> edges,
    Integer inputRecord) {

  /** An attempt whose input is not an upload record (or not known to be one). */
  public ExecutionRecord(
      Lease lease,
      Checkpoint checkpoint,
      String workflow,
      Payload input,
      Payload output,
      List<LineageEdge> edges) {
    this(lease, checkpoint, workflow, input, output, edges, null);
  }

  public ExecutionRecord {
    Objects.requireNonNull(lease, "lease");
    Objects.requireNonNull(checkpoint, "checkpoint");
    edges = List.copyOf(edges);
    if (inputRecord != null && input == null) {
      throw new IllegalArgumentException(checkpoint.attempt() + " has no input to be a record");
    }
    if (!Objects.equals(digest(input), checkpoint.inputDigest())
        || !Objects.equals(digest(output), checkpoint.outcome().outputDigest())) {
      throw new IllegalArgumentException(
          "the payloads of " + checkpoint.attempt() + " do not match the digests of its row");
    }
  }

  /** The checkpoint of an attempt that ran no function: a skip, a failed expression, a fault. */
  public static ExecutionRecord withoutCall(
      Lease lease, Checkpoint checkpoint, String workflow, List<LineageEdge> edges) {
    return new ExecutionRecord(lease, checkpoint, workflow, null, null, edges);
  }

  private static String digest(Payload p) {
    return p == null ? null : p.digest();
  }

  public AttemptRef attempt() {
    return checkpoint.attempt();
  }

  public Outcome outcome() {
    return checkpoint.outcome();
  }

  public String runId() {
    return checkpoint.runId();
  }
}
