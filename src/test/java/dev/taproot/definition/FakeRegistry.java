package dev.taproot.definition;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A function registry for tests. Digests are sha256("name@version"), so fixtures can write them:
 * check-order@1 is sha256:4bb1cccc4809ce337005b9d11d216d41b1088c5ebaf5b1df1e1e9723d3b3cf65.
 */
final class FakeRegistry implements FunctionResolver {

  private final Map<String, List<ResolvedFunction>> versions = new LinkedHashMap<>();
  final AtomicInteger lookups = new AtomicInteger();

  /** The registry the fixtures are written against. */
  static FakeRegistry standard() {
    return new FakeRegistry()
        .register("parse-orders", 2, "wasi")
        .register("enrich-order", 3, "wasi")
        .register("check-order", 1, "wasi")
        .register("sum-totals", 1, "wasi")
        .register("shout", 1, "extism");
  }

  /** Registers versions 1..count of {@code name}. */
  FakeRegistry register(String name, int count, String abi) {
    List<ResolvedFunction> list = versions.computeIfAbsent(name, n -> new ArrayList<>());
    for (int v = list.size() + 1; v <= count; v++) {
      // Plug-ins export run and notify_v2, which the fixtures name; commands their _start.
      List<String> exports =
          abi.equals("extism") ? List.of("run", "notify_v2") : List.of("_start", "memory");
      list.add(new ResolvedFunction(name, v, digest(name + "@" + v), abi, exports));
    }
    return this;
  }

  static String digest(String text) {
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return "sha256:" + HexFormat.of().formatHex(hash);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public Resolution resolve(FunctionRef ref) {
    lookups.incrementAndGet();
    if (ref instanceof FunctionRef.Digest digest) {
      return versions.values().stream()
          .flatMap(List::stream)
          .filter(f -> f.digest().equals(digest.digest()))
          .findFirst()
          .map(Resolution::found)
          .orElseGet(() -> Resolution.notFound("no function has the digest " + digest.digest()));
    }
    String name =
        ref instanceof FunctionRef.Latest latest
            ? latest.name()
            : ((FunctionRef.Version) ref).name();
    List<ResolvedFunction> list = versions.get(name);
    if (list == null) {
      return Resolution.notFound(
          "no function '"
              + name
              + "' is registered; registered: "
              + String.join(", ", versions.keySet()));
    }
    if (ref instanceof FunctionRef.Version version) {
      if (version.version() > list.size()) {
        return Resolution.notFound(
            "function '"
                + name
                + "' has no version "
                + version.version()
                + " (latest is "
                + list.size()
                + ")");
      }
      return Resolution.found(list.get(version.version() - 1));
    }
    return Resolution.found(list.get(list.size() - 1));
  }
}
