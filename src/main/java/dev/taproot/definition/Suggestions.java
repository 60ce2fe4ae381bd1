package dev.taproot.definition;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;

/** Finds the likely intended word for a misspelt one. */
final class Suggestions {

  private Suggestions() {}

  /** The closest candidate within a small edit distance, if any. */
  static Optional<String> closest(String word, Collection<String> candidates) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String candidate : candidates) {
      int distance = distance(word.toLowerCase(Locale.ROOT), candidate.toLowerCase(Locale.ROOT));
      if (distance < bestDistance) {
        best = candidate;
        bestDistance = distance;
      }
    }
    // Allow about one typo per three letters: "forEch" -> "forEach", but not "input" -> "limits".
    int allowed = Math.max(1, word.length() / 3);
    return bestDistance <= allowed ? Optional.of(best) : Optional.empty();
  }

  /**
   * "; did you mean 'parse'? known steps: parse, enrich" or "; known steps: parse, enrich": the
   * tail of a message about an unknown name.
   */
  static String hint(String word, Collection<String> candidates, String label) {
    String list = label + ": " + (candidates.isEmpty() ? "none" : String.join(", ", candidates));
    return closest(word, candidates)
        .map(c -> "; did you mean '" + c + "'? " + list)
        .orElse("; " + list);
  }

  /** Levenshtein distance counting an adjacent swap as one edit. */
  static int distance(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= b.length(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1
            && j > 1
            && a.charAt(i - 1) == b.charAt(j - 2)
            && a.charAt(i - 2) == b.charAt(j - 1)) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.length()][b.length()];
  }
}
