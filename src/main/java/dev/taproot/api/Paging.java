package dev.taproot.api;

import dev.taproot.config.TaprootConfig;
import dev.taproot.error.InvalidParameterException;

/** Checks {@code page} (from 0) and {@code size} query parameters. */
final class Paging {
  private Paging() {}

  static int page(String page) {
    if (page == null || page.isBlank()) {
      return 0;
    }
    try {
      int p = Integer.parseInt(page.trim());
      if (p >= 0) {
        return p;
      }
    } catch (NumberFormatException ignored) {
      // reported below
    }
    throw new InvalidParameterException(
        "page", "'" + page + "' is not a page number: pages count from 0");
  }

  static int size(String size, TaprootConfig config) {
    int max = config.runs().maxPageSize();
    if (size == null || size.isBlank()) {
      return config.runs().defaultPageSize();
    }
    try {
      int s = Integer.parseInt(size.trim());
      if (s >= 1 && s <= max) {
        return s;
      }
    } catch (NumberFormatException ignored) {
      // reported below
    }
    throw new InvalidParameterException(
        "size", "'" + size + "' is not a page size: use 1 to " + max);
  }
}
