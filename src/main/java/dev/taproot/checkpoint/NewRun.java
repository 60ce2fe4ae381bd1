package dev.taproot.checkpoint;

import java.util.List;
import java.util.Objects;

/**
 * A run about to be stored: which workflow version it runs, its trace, and its input (for x-ndjson,
 * each record besides the whole).
 */
public record NewRun(String id, String workflow, int version, SpanRef trace, RunInput input) {
  /** The input as a whole and, for an x-ndjson upload, each record; null records for JSON. */
  public record RunInput(Payload whole, List<Payload> records) {
    public RunInput {
      Objects.requireNonNull(whole, "whole");
      records = records == null ? null : List.copyOf(records);
    }
  }

  public NewRun {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(workflow, "workflow");
    Objects.requireNonNull(trace, "trace");
    Objects.requireNonNull(input, "input");
  }
}
