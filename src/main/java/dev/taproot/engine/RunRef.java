package dev.taproot.engine;

import java.util.Objects;

/** Which run, of which workflow version. */
record RunRef(String runId, String workflow, int version) {
  RunRef {
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(workflow, "workflow");
  }
}
