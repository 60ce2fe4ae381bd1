package dev.taproot.cli;

import picocli.CommandLine.Option;

/** --page and --size of a paged listing; the server applies its own default and limits. */
final class PageOptions {
  @Option(names = "--page", paramLabel = "N", description = "Page number, from 0.")
  Integer page;

  @Option(names = "--size", paramLabel = "N", description = "Entries per page.")
  Integer size;

  String page() {
    return page == null ? null : page.toString();
  }

  String size() {
    return size == null ? null : size.toString();
  }
}
