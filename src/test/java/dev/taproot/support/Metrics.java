package dev.taproot.support;

import java.util.OptionalDouble;

/** Reads values out of the Prometheus text that {@code /q/metrics} answers. */
public final class Metrics {
  private Metrics() {}

  /** The value of {@code name} without labels (the first series when labelled), if there is one. */
  public static OptionalDouble value(String prometheusText, String name) {
    for (String line : prometheusText.split("\n")) {
      if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
        return OptionalDouble.of(Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)));
      }
    }
    return OptionalDouble.empty();
  }
}
