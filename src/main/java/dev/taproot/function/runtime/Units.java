package dev.taproot.function.runtime;

import java.time.Duration;
import java.util.Locale;

/** Byte counts and durations as people read them in failure messages. */
final class Units {

  private Units() {}

  static String bytes(long bytes) {
    if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) == 0) {
      return bytes / (1024 * 1024) + " MiB";
    }
    if (bytes >= 1024 * 1024) {
      return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024));
    }
    if (bytes >= 1024 && bytes % 1024 == 0) {
      return bytes / 1024 + " KiB";
    }
    return bytes + " bytes";
  }

  static String pages(long pages) {
    return pages
        + (pages == 1 ? " page" : " pages")
        + " ("
        + bytes(pages * Limits.PAGE_BYTES)
        + ")";
  }

  static String duration(Duration duration) {
    long millis = duration.toMillis();
    if (millis >= 10_000 && millis % 1000 == 0) {
      return millis / 1000 + " s";
    }
    return millis + " ms";
  }
}
