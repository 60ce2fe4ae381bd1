package dev.taproot.function;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses and resolves function references: {@code name}, {@code name@3}, {@code sha256:<hex>}. */
public final class FunctionRefs {
  private static final Pattern NAME_AT_VERSION =
      Pattern.compile("([a-z][a-z0-9-]{0,62})(?:@(\\d{1,9}))?");

  private FunctionRefs() {}

  /** A resolved version, or the reason there is none. */
  public sealed interface Resolution permits Resolution.Found, Resolution.Missing {
    record Found(FunctionVersionEntity version) implements Resolution {}

    record Missing(String reason) implements Resolution {}
  }

  public static Resolution resolve(String ref) {
    if (ref == null || ref.isBlank()) {
      return new Resolution.Missing(
          "the function ref is empty: use name, name@version or sha256:<digest>");
    }
    if (ref.startsWith(Digests.PREFIX)) {
      if (!Digests.isDigest(ref)) {
        return new Resolution.Missing(
            "'" + ref + "' is not a digest: use sha256: and 64 lowercase hex digits");
      }
      Optional<FunctionVersionEntity> found = FunctionVersionEntity.byDigest(ref);
      return found
          .<Resolution>map(Resolution.Found::new)
          .orElseGet(
              () -> new Resolution.Missing("no function with digest " + ref + " is registered"));
    }
    Matcher m = NAME_AT_VERSION.matcher(ref);
    if (!m.matches()) {
      return new Resolution.Missing(
          "'"
              + ref
              + "' is not a function ref: use name, name@version (e.g. parse-orders@2) or sha256:<digest>");
    }
    String name = m.group(1);
    Optional<FunctionVersionEntity> latest = FunctionVersionEntity.latest(name);
    if (latest.isEmpty()) {
      return new Resolution.Missing(
          "no function '" + name + "' is registered; upload it with PUT /api/v1/functions/" + name);
    }
    if (m.group(2) == null) {
      return new Resolution.Found(latest.get());
    }
    int version = Integer.parseInt(m.group(2));
    FunctionVersionEntity exact =
        FunctionVersionEntity.findById(new FunctionVersionEntity.Key(name, version));
    return exact != null
        ? new Resolution.Found(exact)
        : new Resolution.Missing(
            "function '"
                + name
                + "' has no version "
                + version
                + " (latest is "
                + latest.get().version
                + ")");
  }
}
