package dev.taproot.definition;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * Reads a step's {@code retry}: every field optional, defaults from {@link RetryPolicy#DEFAULT}.
 */
final class RetryReader {

  static final List<String> FIELDS = List.of("maxAttempts", "backoff", "multiplier", "maxBackoff");

  private RetryReader() {}

  /** The policy, or null when part of it is wrong (reported). */
  static RetryPolicy read(YamlMaps.Entry entry, Problems problems) {
    Optional<MappingNode> mapping =
        YamlFields.mapping(entry, problems, "{ maxAttempts: 3, backoff: 200ms }");
    if (mapping.isEmpty()) {
      return null;
    }
    int before = problems.count();
    Map<String, YamlMaps.Entry> fields =
        YamlMaps.fields(mapping.get(), entry.path(), FIELDS, problems);
    RetryPolicy defaults = RetryPolicy.DEFAULT;
    int maxAttempts = defaults.maxAttempts();
    if (fields.containsKey("maxAttempts")) {
      YamlMaps.Entry attempts = fields.get("maxAttempts");
      OptionalLong value = YamlFields.wholeNumber(attempts, problems);
      if (value.isPresent() && (value.getAsLong() < 1 || value.getAsLong() > 1000)) {
        problems.at(
            attempts.value(),
            attempts.path(),
            "maxAttempts counts every attempt, the first included: use 1 (no retry) to 1000");
      } else if (value.isPresent()) {
        maxAttempts = (int) value.getAsLong();
      }
    }
    Duration backoff =
        fields.containsKey("backoff")
            ? YamlFields.duration(fields.get("backoff"), problems).orElse(null)
            : defaults.backoff();
    double multiplier = defaults.multiplier();
    if (fields.containsKey("multiplier")) {
      YamlMaps.Entry growth = fields.get("multiplier");
      OptionalDouble value = YamlFields.number(growth, problems);
      if (value.isPresent() && !(value.getAsDouble() >= 1)) {
        problems.at(
            growth.value(),
            growth.path(),
            "multiplier must be at least 1 (1 keeps the wait constant), not "
                + value.getAsDouble());
      } else if (value.isPresent()) {
        multiplier = value.getAsDouble();
      }
    }
    Duration maxBackoff = null;
    if (fields.containsKey("maxBackoff")) {
      YamlMaps.Entry cap = fields.get("maxBackoff");
      maxBackoff = YamlFields.duration(cap, problems).orElse(null);
      if (maxBackoff != null && backoff != null && maxBackoff.compareTo(backoff) < 0) {
        problems.at(
            cap.value(),
            cap.path(),
            "maxBackoff "
                + ((ScalarNode) cap.value()).getValue()
                + " is shorter than backoff "
                + (fields.containsKey("backoff")
                    ? ((ScalarNode) fields.get("backoff").value()).getValue()
                    : "1s (the default)")
                + ": raise maxBackoff or lower backoff");
        maxBackoff = null;
      }
    } else if (backoff != null) {
      // A long backoff written without a cap should not be cut down by the default cap.
      maxBackoff = backoff.compareTo(defaults.maxBackoff()) > 0 ? backoff : defaults.maxBackoff();
    }
    if (problems.count() > before || backoff == null || maxBackoff == null) {
      return null;
    }
    return new RetryPolicy(maxAttempts, backoff, multiplier, maxBackoff);
  }
}
