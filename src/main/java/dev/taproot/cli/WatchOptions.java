package dev.taproot.cli;

import picocli.CommandLine.Option;

/** How a command that waits for a run shows its progress. */
final class WatchOptions {
  enum Progress {
    auto,
    bars,
    lines,
    none
  }

  @Option(
      names = "--progress",
      paramLabel = "MODE",
      defaultValue = "auto",
      description =
          "auto (bars on a terminal, lines otherwise), bars, lines or none; progress goes to"
              + " stderr.")
  Progress progress;

  /** Null when nothing is to be shown: with --output json, stdout carries only the answer. */
  ProgressDisplay display(Io io, boolean json) {
    if (json || progress == Progress.none) {
      return null;
    }
    boolean bars = progress == Progress.bars || (progress == Progress.auto && io.terminal());
    return ProgressDisplay.of(bars, io.err());
  }
}
