package dev.taproot.checkpoint;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.time.Instant;
import java.util.Objects;

/** Read model of a checkpoint row; rows are written by {@link CheckpointWriter} in batches. */
@Entity
@Table(name = "execution")
@IdClass(ExecutionEntity.Key.class)
public class ExecutionEntity extends PanacheEntityBase {
  @Id
  @Column(name = "run_id")
  public String runId;

  @Id
  @Column(name = "step_id")
  public String stepId;

  @Id
  @Column(name = "item_key")
  public String itemKey;

  @Id public int attempt;

  @Column(name = "item_order")
  public long itemOrder;

  public String status;

  @Column(name = "function_ref")
  public String functionRef;

  @Column(name = "function_digest")
  public String functionDigest;

  @Column(name = "input_digest")
  public String inputDigest;

  @Column(name = "output_digest")
  public String outputDigest;

  @Column(name = "error_code")
  public String errorCode;

  @Column(name = "error_message")
  public String errorMessage;

  public String logs;
  public long seed;

  @Column(name = "started_at")
  public Instant startedAt;

  @Column(name = "finished_at")
  public Instant finishedAt;

  @Column(name = "duration_micros")
  public long durationMicros;

  @Column(name = "queued_micros")
  public long queuedMicros;

  @Column(name = "trace_id")
  public String traceId;

  @Column(name = "span_id")
  public String spanId;

  /** Composite primary key (run, step, item key, attempt). */
  public static class Key implements Serializable {
    public String runId;
    public String stepId;
    public String itemKey;
    public int attempt;

    @Override
    public boolean equals(Object o) {
      return o instanceof Key k
          && k.attempt == attempt
          && Objects.equals(k.runId, runId)
          && Objects.equals(k.stepId, stepId)
          && Objects.equals(k.itemKey, itemKey);
    }

    @Override
    public int hashCode() {
      return Objects.hash(runId, stepId, itemKey, attempt);
    }
  }
}
