package dev.taproot.definition;

import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The registered function a ref resolved to.
 *
 * @param name registered name
 * @param version version under that name, from 1
 * @param digest {@code sha256:<64 hex>} of the module
 * @param abi {@code wasi} or {@code extism}
 * @param exports what registration listed: for an extism plug-in, the functions a step can call
 */
public record ResolvedFunction(
    String name, int version, String digest, String abi, List<String> exports) {

  public static final Set<String> ABIS = Set.of("wasi", "extism");

  public ResolvedFunction {
    if (name == null || !FunctionRef.NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("bad function name: " + name);
    }
    if (version < 1) {
      throw new IllegalArgumentException("versions start at 1: " + version);
    }
    if (digest == null || !FunctionRef.DIGEST.matcher(digest).matches()) {
      throw new IllegalArgumentException("a digest is sha256:<64 lowercase hex>: " + digest);
    }
    Objects.requireNonNull(abi, "abi");
    if (!ABIS.contains(abi)) {
      throw new IllegalArgumentException("abi must be one of " + ABIS + ": " + abi);
    }
    exports = List.copyOf(Objects.requireNonNull(exports, "exports"));
  }

  /** Whether this is an Extism plug-in (steps call one of its exports). */
  public boolean isPlugin() {
    return "extism".equals(abi);
  }

  /** The ref that names exactly this function and reads well: {@code name@version}. */
  public String pinnedRef() {
    return name + "@" + version;
  }
}
