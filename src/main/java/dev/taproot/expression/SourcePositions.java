package dev.taproot.expression;

import dev.cel.common.CelSource;
import dev.cel.common.CelSourceLocation;
import java.util.Optional;

/** Says where an offset is inside an expression, the way a user counts (1-based). */
final class SourcePositions {

  private SourcePositions() {}

  /** " at column 12", " at line 2, column 3", or "" when the offset is unknown. */
  static String describe(CelSource source, int offset) {
    if (offset < 0) {
      return "";
    }
    Optional<CelSourceLocation> location = source.getOffsetLocation(offset);
    if (location.isEmpty() || location.get().getLine() <= 1) {
      return " at column " + (offset + 1);
    }
    return " at line " + location.get().getLine() + ", column " + (location.get().getColumn() + 1);
  }
}
