package dev.taproot.checkpoint;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/**
 * The {@code run} row as Hibernate maps it; only {@link RunStore} touches it, everything else sees
 * {@link StoredRun}.
 */
@Entity
@Table(name = "run")
public class RunEntity extends PanacheEntityBase {
  @Id public String id;
  public String workflow;

  @Column(name = "workflow_version")
  public int workflowVersion;

  public String status;

  @Column(name = "input_digest")
  public String inputDigest;

  /** {@code json} or {@code x-ndjson}. */
  @Column(name = "input_format")
  public String inputFormat;

  @Column(name = "record_count")
  public Integer recordCount;

  @Column(name = "output_digest")
  public String outputDigest;

  @Column(name = "error_code")
  public String errorCode;

  @Column(name = "error_message")
  public String errorMessage;

  @Column(name = "trace_id")
  public String traceId;

  @Column(name = "span_id")
  public String spanId;

  /** Bumped by every control action that wins; see {@link RunStore}. */
  public int generation;

  /** JSON object {alias: "name@version"} of function overrides from redrives. */
  public String overrides;

  @Column(name = "created_at")
  public Instant createdAt;

  @Column(name = "finished_at")
  public Instant finishedAt;

  /** JSON of {@link EndedCounts}, written by the scheduler with the final status. */
  @Column(name = "ended_counts")
  public String endedCounts;
}
