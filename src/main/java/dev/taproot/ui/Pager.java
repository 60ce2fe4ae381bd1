package dev.taproot.ui;

import java.util.function.IntFunction;

/** Server-side paging: where this page is, and the links to the others. */
record Pager(
    int page,
    int pages,
    long from,
    long to,
    long total,
    String first,
    String previous,
    String next,
    String last) {

  static Pager of(int page, int size, long total, IntFunction<String> href) {
    int pages = (int) Math.max(1, (total + size - 1) / size);
    return new Pager(
        page,
        pages,
        total == 0 ? 0 : (long) page * size + 1,
        Math.min(total, (long) (page + 1) * size),
        total,
        page > 0 ? href.apply(0) : null,
        page > 0 ? href.apply(page - 1) : null,
        page + 1 < pages ? href.apply(page + 1) : null,
        page + 1 < pages ? href.apply(pages - 1) : null);
  }

  /** Page numbers count from 1 on the page, from 0 in the URL. */
  public int number() {
    return page + 1;
  }
}
