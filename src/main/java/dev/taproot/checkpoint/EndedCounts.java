package dev.taproot.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * How many items of each step of a run's {@code generation} ended succeeded, failed or skipped:
 * stored with the run's final status, in column {@code run.ended_counts}.
 */
public record EndedCounts(int generation, Map<String, Map<ExecutionStatus, Integer>> steps) {
  public EndedCounts {
    Map<String, Map<ExecutionStatus, Integer>> copy = new LinkedHashMap<>();
    steps.forEach((step, counts) -> copy.put(step, Map.copyOf(counts)));
    steps = java.util.Collections.unmodifiableMap(copy);
  }

  String json() {
    ObjectNode root = CanonicalJson.MAPPER.createObjectNode();
    root.put("generation", generation);
    ObjectNode byStep = root.putObject("steps");
    steps.forEach(
        (step, counts) -> {
          ObjectNode n = byStep.putObject(step);
          for (ExecutionStatus status : ExecutionStatus.values()) {
            n.put(status.id(), counts.getOrDefault(status, 0));
          }
        });
    return CanonicalJson.text(root);
  }

  /** What {@link #json} wrote; empty for anything else, so that the run is counted instead. */
  static Optional<EndedCounts> parse(String json) {
    if (json == null) {
      return Optional.empty();
    }
    try {
      JsonNode root = CanonicalJson.MAPPER.readTree(json);
      Map<String, Map<ExecutionStatus, Integer>> steps = new LinkedHashMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = root.path("steps").fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> step = it.next();
        Map<ExecutionStatus, Integer> counts = new LinkedHashMap<>();
        for (ExecutionStatus status : ExecutionStatus.values()) {
          JsonNode n = step.getValue().path(status.id());
          if (!n.canConvertToInt()) {
            return Optional.empty();
          }
          counts.put(status, n.intValue());
        }
        steps.put(step.getKey(), counts);
      }
      JsonNode generation = root.path("generation");
      return generation.canConvertToInt()
          ? Optional.of(new EndedCounts(generation.intValue(), steps))
          : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }
}
