package dev.taproot.cli;

import picocli.CommandLine.Parameters;

/** RUN STEP KEY: one checkpoint, as lineage, origin and replay name it. */
final class ItemRef {
  @Parameters(index = "0", paramLabel = "RUN", description = "The run id.")
  String runId;

  @Parameters(index = "1", paramLabel = "STEP", description = "The step id.")
  String step;

  @Parameters(index = "2", paramLabel = "KEY", description = "The item key, e.g. 17 or 17.3.")
  String key;

  String path(String action) {
    return Client.path("runs", runId, "steps", step, "items", key, action);
  }
}
