package dev.taproot.engine;

import dev.taproot.checkpoint.ExecutionRecord;
import dev.taproot.checkpoint.RunUpdate;
import java.time.Duration;

/** What a {@link RunState} asks of the engine; it never runs or writes anything itself. */
interface Dispatcher {
  /** Queue an attempt for a worker. */
  void execute(ExecutionTask task);

  /** Queue an attempt after a delay (retry backoff). */
  void executeLater(ExecutionTask task, Duration delay);

  /** Commit a checkpoint that needed no worker (a skip, an expression failure). */
  void record(ExecutionRecord record);

  /** A forEach step starts; returns the id of the span its executions hang under. */
  String stepStarted(RunContext ctx, String step);

  /** A forEach step has no unfinished item left. */
  void stepFinished(RunContext ctx, String step, java.util.Map<String, Integer> counts);

  /** Commit the run's final status, decided under {@code ctx}'s lease. */
  void finish(RunContext ctx, RunUpdate update);

  /** Every item of the partition {@code ctx}'s lease covers is final. */
  void partitionDone(RunContext ctx);

  /**
   * The recorded values of checkpoints, by digest, for outputs a restarted run only knew by digest.
   * Called from workers and the writer thread.
   */
  java.util.Map<String, com.fasterxml.jackson.databind.JsonNode> values(
      java.util.Collection<dev.taproot.checkpoint.ValueAt> values);
}
