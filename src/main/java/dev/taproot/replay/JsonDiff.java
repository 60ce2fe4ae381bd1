package dev.taproot.replay;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/** The differences between two JSON values, as JSON Pointer paths with the old and new value. */
public final class JsonDiff {
  private JsonDiff() {}

  /** One difference; {@code from} is null for an added value, {@code to} for a removed one. */
  public record Change(String op, String path, JsonNode from, JsonNode to) {}

  public static List<Change> diff(JsonNode from, JsonNode to) {
    List<Change> changes = new ArrayList<>();
    walk("", from, to, changes);
    return changes;
  }

  private static void walk(String path, JsonNode a, JsonNode b, List<Change> out) {
    if (a == null && b == null) {
      return;
    }
    if (a == null || a.isMissingNode()) {
      out.add(new Change("add", path, null, b));
    } else if (b == null || b.isMissingNode()) {
      out.add(new Change("remove", path, a, null));
    } else if (a.isObject() && b.isObject()) {
      TreeSet<String> names = new TreeSet<>();
      a.fieldNames().forEachRemaining(names::add);
      b.fieldNames().forEachRemaining(names::add);
      for (String name : names) {
        walk(path + "/" + escape(name), a.get(name), b.get(name), out);
      }
    } else if (a.isArray() && b.isArray()) {
      int n = Math.max(a.size(), b.size());
      for (int i = 0; i < n; i++) {
        walk(path + "/" + i, i < a.size() ? a.get(i) : null, i < b.size() ? b.get(i) : null, out);
      }
    } else if (!sameValue(a, b)) {
      out.add(new Change("replace", path, a, b));
    }
  }

  /** Numbers compare by value, so 2 and 2.0 are the same. */
  private static boolean sameValue(JsonNode a, JsonNode b) {
    if (a.isNumber() && b.isNumber()) {
      return a.decimalValue().compareTo(b.decimalValue()) == 0;
    }
    return a.equals(b);
  }

  private static String escape(String name) {
    return name.replace("~", "~0").replace("/", "~1");
  }
}
