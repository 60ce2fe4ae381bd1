package dev.taproot.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * How many items of each step of one unit stand where (by status id: pending, running, succeeded,
 * failed, skipped), as the instance holding the unit counted them at its last heartbeat: column
 * {@code run_unit.live_counts}.
 */
public record LiveCounts(Map<String, Map<String, Integer>> steps) {
  public LiveCounts {
    Map<String, Map<String, Integer>> copy = new LinkedHashMap<>();
    steps.forEach((step, counts) -> copy.put(step, Map.copyOf(counts)));
    steps = Collections.unmodifiableMap(copy);
  }

  String json() {
    ObjectNode root = CanonicalJson.MAPPER.createObjectNode();
    steps.forEach(
        (step, counts) -> {
          ObjectNode n = root.putObject(step);
          counts.forEach(n::put);
        });
    return CanonicalJson.text(root);
  }

  /** What {@link #json} wrote; empty for anything else, so that readers count without it. */
  static Optional<LiveCounts> parse(String json) {
    if (json == null) {
      return Optional.empty();
    }
    try {
      Map<String, Map<String, Integer>> steps = new LinkedHashMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = CanonicalJson.MAPPER.readTree(json).fields();
          it.hasNext(); ) {
        Map.Entry<String, JsonNode> step = it.next();
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> c = step.getValue().fields(); c.hasNext(); ) {
          Map.Entry<String, JsonNode> status = c.next();
          if (!status.getValue().canConvertToInt()) {
            return Optional.empty();
          }
          counts.put(status.getKey(), status.getValue().intValue());
        }
        steps.put(step.getKey(), counts);
      }
      return Optional.of(new LiveCounts(steps));
    } catch (IOException e) {
      return Optional.empty();
    }
  }
}
