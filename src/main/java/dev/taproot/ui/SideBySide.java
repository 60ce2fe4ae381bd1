package dev.taproot.ui;

import java.util.ArrayList;
import java.util.List;

/**
 * Two texts side by side, lines aligned by their longest common subsequence: equal lines sit on one
 * row, changed lines are marked on both sides. Used for a replay's recorded and new output.
 */
record SideBySide(List<Row> rows, boolean identical, boolean truncated) {
  /**
   * Past this many lines on either side the texts are shown line by line without alignment, and
   * only this many rows (a fan-in's output can be megabytes: the JSON API has it whole).
   */
  static final int MAX_LINES = 2000;

  /** One row; {@code left} or {@code right} is null where that side has no line. */
  record Row(Integer leftNumber, String left, Integer rightNumber, String right, String kind) {}

  static SideBySide of(String left, String right) {
    String[] a = left == null ? new String[0] : left.split("\n", -1);
    String[] b = right == null ? new String[0] : right.split("\n", -1);
    if (a.length > MAX_LINES || b.length > MAX_LINES) {
      List<Row> rows = new ArrayList<>();
      for (int i = 0; i < Math.min(MAX_LINES, Math.max(a.length, b.length)); i++) {
        String l = i < a.length ? a[i] : null;
        String r = i < b.length ? b[i] : null;
        rows.add(new Row(l == null ? null : i + 1, l, r == null ? null : i + 1, r, kind(l, r)));
      }
      return new SideBySide(rows, java.util.Objects.equals(left, right), true);
    }
    int[][] lcs = new int[a.length + 1][b.length + 1];
    for (int i = a.length - 1; i >= 0; i--) {
      for (int j = b.length - 1; j >= 0; j--) {
        lcs[i][j] =
            a[i].equals(b[j]) ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
      }
    }
    List<Row> rows = new ArrayList<>();
    List<String> removed = new ArrayList<>();
    List<Integer> removedAt = new ArrayList<>();
    List<String> added = new ArrayList<>();
    List<Integer> addedAt = new ArrayList<>();
    int i = 0;
    int j = 0;
    while (i < a.length || j < b.length) {
      if (i < a.length && j < b.length && a[i].equals(b[j])) {
        flush(rows, removed, removedAt, added, addedAt);
        rows.add(new Row(i + 1, a[i], j + 1, b[j], "same"));
        i++;
        j++;
      } else if (j < b.length && (i == a.length || lcs[i][j + 1] >= lcs[i + 1][j])) {
        added.add(b[j]);
        addedAt.add(j + 1);
        j++;
      } else {
        removed.add(a[i]);
        removedAt.add(i + 1);
        i++;
      }
    }
    flush(rows, removed, removedAt, added, addedAt);
    return new SideBySide(rows, rows.stream().allMatch(r -> r.kind().equals("same")), false);
  }

  /** A block of removed and added lines becomes rows of changed pairs, then the rest. */
  private static void flush(
      List<Row> rows,
      List<String> removed,
      List<Integer> removedAt,
      List<String> added,
      List<Integer> addedAt) {
    for (int k = 0; k < Math.max(removed.size(), added.size()); k++) {
      String l = k < removed.size() ? removed.get(k) : null;
      String r = k < added.size() ? added.get(k) : null;
      rows.add(
          new Row(
              l == null ? null : removedAt.get(k),
              l,
              r == null ? null : addedAt.get(k),
              r,
              kind(l, r)));
    }
    removed.clear();
    removedAt.clear();
    added.clear();
    addedAt.clear();
  }

  private static String kind(String l, String r) {
    if (l == null) {
      return "added";
    }
    if (r == null) {
      return "removed";
    }
    return l.equals(r) ? "same" : "changed";
  }
}
