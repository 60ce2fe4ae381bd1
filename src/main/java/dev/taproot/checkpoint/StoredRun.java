package dev.taproot.checkpoint;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * A run as the {@code run} table holds it, read once: what every layer above the store sees of a
 * run (the entity stays inside {@link RunStore}).
 */
public final class StoredRun {
  private final String id;
  private final String workflow;
  private final int version;
  private final RunStatus status;
  private final String inputDigest;
  private final boolean ndjson;
  private final Integer recordCount;
  private final String outputDigest;
  private final RunError error;
  private final SpanRef trace;
  private final String overrides;
  private final int generation;
  private final Instant createdAt;
  private final Instant finishedAt;
  private final String endedCounts;

  StoredRun(RunEntity e) {
    this.id = e.id;
    this.workflow = e.workflow;
    this.version = e.workflowVersion;
    this.status = RunStatus.of(e.status);
    this.inputDigest = e.inputDigest;
    this.ndjson = NDJSON.equals(e.inputFormat);
    this.recordCount = e.recordCount;
    this.outputDigest = e.outputDigest;
    this.error =
        e.errorCode == null && e.errorMessage == null
            ? null
            : new RunError(
                RunError.Code.of(e.errorCode),
                e.errorMessage == null ? "" : StoredText.decode(e.errorMessage));
    this.trace = new SpanRef(e.traceId, e.spanId);
    this.overrides = e.overrides;
    this.generation = e.generation;
    this.createdAt = e.createdAt;
    this.finishedAt = e.finishedAt;
    this.endedCounts = e.endedCounts;
  }

  static final String NDJSON = "x-ndjson";
  static final String JSON = "json";

  /**
   * The counts per step the run's scheduler stored with its final status, when they are of the
   * run's current generation.
   */
  public Optional<Map<String, Map<ExecutionStatus, Integer>>> endedCounts() {
    return EndedCounts.parse(endedCounts)
        .filter(c -> c.generation() == generation)
        .map(EndedCounts::steps);
  }

  public String id() {
    return id;
  }

  public String workflow() {
    return workflow;
  }

  public int version() {
    return version;
  }

  public RunStatus status() {
    return status;
  }

  public String inputDigest() {
    return inputDigest;
  }

  /** Whether the input was uploaded as x-ndjson records (item key = line number - 1). */
  public boolean ndjson() {
    return ndjson;
  }

  /** {@code json} or {@code x-ndjson}, as the API names the input format. */
  public String inputFormat() {
    return ndjson ? NDJSON : JSON;
  }

  /** The number of x-ndjson records; null for a JSON input. */
  public Integer recordCount() {
    return recordCount;
  }

  /** The digest of the run's output; null until it succeeded, or when it has no output. */
  public String outputDigest() {
    return outputDigest;
  }

  /** Why it did not succeed; null while running and on success. */
  public RunError error() {
    return error;
  }

  public String traceId() {
    return trace.traceId();
  }

  public String spanId() {
    return trace.spanId();
  }

  /** JSON object {alias: "name@version"} of function overrides from redrives; null when none. */
  public String overrides() {
    return overrides;
  }

  /**
   * Bumped by every control action that wins (redrive, resume, cancel): the scheduler of an older
   * generation can no longer write the run's status.
   */
  public int generation() {
    return generation;
  }

  public Instant createdAt() {
    return createdAt;
  }

  public Instant finishedAt() {
    return finishedAt;
  }
}
