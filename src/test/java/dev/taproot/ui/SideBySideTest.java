package dev.taproot.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The side-by-side diff of a replay: equal lines share a row, changes are marked on both sides. */
class SideBySideTest {

  private static List<String> kinds(SideBySide d) {
    return d.rows().stream().map(SideBySide.Row::kind).toList();
  }

  @Test
  void equalLinesLineUpAndAChangedLineIsMarkedOnBothSides() {
    SideBySide d =
        SideBySide.of("{\n  \"a\" : 1,\n  \"qty\" : 0\n}", "{\n  \"a\" : 1,\n  \"qty\" : 2\n}");
    assertEquals(List.of("same", "same", "changed", "same"), kinds(d));
    SideBySide.Row changed = d.rows().get(2);
    assertEquals("  \"qty\" : 0", changed.left());
    assertEquals("  \"qty\" : 2", changed.right());
    assertEquals(3, changed.leftNumber());
    assertFalse(d.identical());
    assertFalse(d.truncated());
  }

  @Test
  void addedAndRemovedLinesKeepTheRestAligned() {
    SideBySide d = SideBySide.of("a\nb\nc", "a\nc\nd");
    assertEquals(List.of("same", "removed", "same", "added"), kinds(d));
    assertEquals(null, d.rows().get(1).right());
    assertEquals(null, d.rows().get(3).left());
    assertEquals(3, d.rows().get(3).rightNumber());
  }

  @Test
  void identicalTextsAreIdentical() {
    assertTrue(SideBySide.of("x\ny", "x\ny").identical());
    assertFalse(SideBySide.of("x\ny", "x\nz").identical());
  }

  @Test
  void aHugeOutputIsCutInsteadOfAligned() {
    String big =
        IntStream.range(0, SideBySide.MAX_LINES * 3)
            .mapToObj(Integer::toString)
            .collect(Collectors.joining("\n"));
    SideBySide d = SideBySide.of(big, big + "\nmore");
    assertTrue(d.truncated());
    assertEquals(SideBySide.MAX_LINES, d.rows().size());
  }
}
