package dev.taproot.definition;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A name the steps use for a function.
 *
 * @param alias the key under {@code functions}
 * @param ref the pinned ref, {@code name@version}, as stored
 * @param resolved what the ref named when the definition was submitted
 * @param env environment (wasi) or config (extism) handed to the function
 * @param export the exported function an extism plug-in runs; {@code run} unless set
 */
public record FunctionAlias(
    String alias, String ref, ResolvedFunction resolved, Map<String, String> env, String export) {

  public static final String DEFAULT_EXPORT = "run";

  public FunctionAlias {
    Objects.requireNonNull(alias, "alias");
    Objects.requireNonNull(resolved, "resolved");
    if (!resolved.pinnedRef().equals(ref)) {
      throw new IllegalArgumentException(
          "ref must be the pinned " + resolved.pinnedRef() + ", not " + ref);
    }
    env = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(env, "env")));
    if (export == null || export.isBlank()) {
      throw new IllegalArgumentException("export must name a function");
    }
  }
}
